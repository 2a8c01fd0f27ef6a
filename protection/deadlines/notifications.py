"""Alerts about overdue clocks: in the app (the bell) and by e-mail digest.

Escalation (after each sweep):
1. an open flag nobody has been told about goes to its responsible person;
2. after a configurable time (DEADLINES_ESCALATE_AFTER_HOURS, 48 h by default; urgent-procedure
   clocks DEADLINES_URGENT_ESCALATE_AFTER_MINUTES, 30 min by default so that they reach the
   Coordination within the hour) it goes to every active coordinator. A flag with no responsible
   person, or an inactive one, goes to the coordinators at once.

Notification rows are written set-based, in the transaction that decides them; a person gets at
most one notification per flag (unique constraint), so an alert never arrives twice. The rows
are the e-mail outbox: `digest_send_claimed(user_id)` claims a person's pending rows, sends one
e-mail and marks them sent. Urgent alerts are e-mailed right after the sweep commits; the rest go
in the daily digest. E-mails carry file numbers and clocks, never a protected person's name.
"""

import logging
import time
import uuid
from datetime import timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.selectors import case_list_for
from protection.access import STAFF_ROLES
from protection.formats import show_datetime
from protection.models import Role, Unit, User
from protection.queue import enqueue

from .lifecycle import EMAIL
from .models import EmailStatus, EscalationLevel, Notification, NotificationKind, OverdueFlag
from .sweep import (
    URGENT_CLOCKS,
    flag_subject_label,
    insert_select,
    subjects_attach,
    sweep_lock,
)

# The digest task (protection/deadlines/tasks.py) calls this module; it is queued by its name.
DIGEST_SEND = "protection.tasks.digest_send"

log = logging.getLogger(__name__)


class EscalationResult(NamedTuple):
    alerted: int  # notifications to responsible people
    escalated: int  # notifications to coordinators


def escalate_after():
    return timedelta(hours=getattr(settings, "DEADLINES_ESCALATE_AFTER_HOURS", 48))


def urgent_escalate_after():
    return timedelta(minutes=getattr(settings, "DEADLINES_URGENT_ESCALATE_AFTER_MINUTES", 30))


def claim_timeout():
    """A claim older than this belongs to a dead worker (tasks are killed well before)."""
    return timedelta(seconds=getattr(settings, "OUTBOX_CLAIM_TIMEOUT_SECONDS", 600))


def _urgent_expression():
    return ExpressionWrapper(Q(clock__in=sorted(URGENT_CLOCKS)), output_field=BooleanField())


def _email_status(email_field):
    return Case(
        When(**{email_field: ""}, then=Value(EmailStatus.SKIPPED)),
        default=Value(EmailStatus.PENDING),
    )


NOTIFICATION_COLUMNS = [
    "recipient",
    "flag",
    "kind",
    "urgent",
    "created_at",
    "email_status",
    "email_attempts",
    "email_error",
]


def escalations_run(now=None):
    """Tell the responsible people about new flags; escalate old ones to the coordinators.

    Set-based and idempotent: a fixed number of queries, and nothing is sent twice. Urgent
    notifications are queued for e-mail once the transaction commits.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The sweep's lock: no flag appears between the INSERT and the UPDATE below.
        sweep_lock()
        open_flags = OverdueFlag.objects.filter(cleared_at__isnull=True)

        # 1. The responsible person.
        to_assignee = open_flags.filter(
            escalation_level=EscalationLevel.NONE,
            responsible__isnull=False,
            responsible__is_active=True,
        )
        rows = (
            to_assignee.order_by()
            .annotate(
                n_recipient=F("responsible_id"),
                n_flag=F("pk"),
                n_kind=Value(NotificationKind.OVERDUE),
                n_urgent=_urgent_expression(),
                n_created=Value(now),
                n_email=_email_status("responsible__email"),
                n_attempts=Value(0),
                n_error=Value(""),
            )
            .values(
                "n_recipient",
                "n_flag",
                "n_kind",
                "n_urgent",
                "n_created",
                "n_email",
                "n_attempts",
                "n_error",
            )
        )
        alerted = insert_select(
            Notification,
            NOTIFICATION_COLUMNS,
            rows,
            "ON CONFLICT (recipient_id, flag_id) DO NOTHING",
        )
        to_assignee.update(escalation_level=EscalationLevel.ASSIGNEE, assignee_alerted_at=now)

        # 2. The coordinators.
        due = (
            Q(responsible__isnull=True)
            | Q(responsible__is_active=False)
            | Q(
                escalation_level=EscalationLevel.ASSIGNEE,
                clock__in=sorted(URGENT_CLOCKS),
                assignee_alerted_at__lte=now - urgent_escalate_after(),
            )
            | (
                Q(
                    escalation_level=EscalationLevel.ASSIGNEE,
                    assignee_alerted_at__lte=now - escalate_after(),
                )
                & ~Q(clock__in=sorted(URGENT_CLOCKS))
            )
        )
        to_coordinators = open_flags.filter(escalation_level__lt=EscalationLevel.COORDINATOR)
        to_coordinators = to_coordinators.filter(due)
        coordinators = User.objects.filter(role=Role.COORDINATOR, is_active=True)
        escalated = 0
        if coordinators.exists():
            escalated = _insert_cross(to_coordinators, coordinators, now)
            # The pk subquery keeps the UPDATE valid although `due` joins the user table.
            OverdueFlag.objects.filter(pk__in=to_coordinators.values("pk")).update(
                escalation_level=EscalationLevel.COORDINATOR, escalated_at=now
            )
        elif to_coordinators.exists():
            log.warning("overdue flags to escalate but no active coordinator")

        urgent_recipients = list(
            Notification.objects.filter(
                created_at=now, urgent=True, email_status=EmailStatus.PENDING
            )
            .values_list("recipient_id", flat=True)
            .distinct()
        )
        if urgent_recipients:
            transaction.on_commit(lambda: digests_enqueue(urgent_recipients))
    return EscalationResult(alerted, escalated)


# Only quoted identifiers and ORM-compiled SQL are put into the text; every value is a parameter.
# "WHERE 1 = 1": SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT.
CROSS_INSERT = (
    "INSERT INTO {table} ({columns}) "
    "SELECT u.x_user, f.x_flag, %s, f.x_urgent, %s, u.x_email, %s, %s "
    "FROM ({flags}) f CROSS JOIN ({users}) u WHERE 1 = 1 "
    "ON CONFLICT (recipient_id, flag_id) DO NOTHING"
)


def _insert_cross(flags, users, now):
    """One notification per (flag, user) pair: INSERT ... SELECT over a cross join."""
    flag_sql, flag_params = (
        flags.order_by()
        .annotate(x_flag=F("pk"), x_urgent=_urgent_expression())
        .values("x_flag", "x_urgent")
        .query.sql_with_params()
    )
    user_sql, user_params = (
        users.order_by()
        .annotate(x_user=F("pk"), x_email=_email_status("email"))
        .values("x_user", "x_email")
        .query.sql_with_params()
    )
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(Notification._meta.get_field(name).column) for name in NOTIFICATION_COLUMNS
    )
    sql = CROSS_INSERT.format(
        table=quote(Notification._meta.db_table), columns=columns, flags=flag_sql, users=user_sql
    )
    # Parameters in the order their placeholders appear in the text.
    params = [NotificationKind.ESCALATED, now, 0, "", *flag_params, *user_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


# ------------------------------------------------------------------------------------------------
# E-mail (digest)


def digests_enqueue(user_ids):
    """Queue the e-mail of these people's pending alerts. Broker down: the rows stay pending and
    the outbox sweeper or the daily digest sends them later."""
    for user_id in user_ids:
        enqueue(DIGEST_SEND, user_id)


def _pause_for_tests():
    # Test-only hook (set only by tests' worker settings): keeps a task busy between claiming its
    # rows and sending, so a test can kill the worker in the middle.
    pause = getattr(settings, "NOTIFICATION_DELIVERY_PAUSE_SECONDS", 0)
    if pause:
        time.sleep(pause)


def digest_send_claimed(user_id, *, now=None):
    """E-mail one person their pending alerts in one message. Returns how many were sent.

    Claim, send, mark: the claim (a token and a time on the rows) keeps a second task off the
    same rows; a failed send releases it and re-raises so the task retries; a claim left by a
    killed worker expires after OUTBOX_CLAIM_TIMEOUT_SECONDS. Safe to call twice.
    """
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    pending = Notification.objects.filter(recipient_id=user_id, email_status=EmailStatus.PENDING)
    free = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - claim_timeout())
    if not user.is_active or not user.email:
        EMAIL.bulk(pending.filter(free), "skip")
        return 0
    # Already read in the app: the person has had this alert; do not send it again.
    EMAIL.bulk(pending.filter(free, read_at__isnull=False), "skip")
    token = uuid.uuid4()
    claimed = pending.filter(free, read_at__isnull=True).update(
        email_claim=token, email_claimed_at=now, email_attempts=F("email_attempts") + 1
    )
    if not claimed:
        return 0
    mine = Notification.objects.filter(email_claim=token, email_status=EmailStatus.PENDING)
    try:
        rows = list(
            mine.select_related("flag", "flag__case", "flag__responsible").order_by(
                "-urgent", F("flag__due_at").asc(nulls_last=True), "created_at"
            )
        )
        _pause_for_tests()
        subject, body = digest_message(user, rows)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except BaseException as exc:
        mine.update(email_claim=None, email_claimed_at=None, email_error=repr(exc)[:2000])
        raise
    EMAIL.bulk(mine, "send", emailed_at=timezone.now(), email_error="")
    return len(rows)


def digest_message(user, notifications):
    """Subject and plain-text body of one person's digest, in the mechanism's language and the
    person's time zone. Names no protected person: overdue clocks, then notices (handovers,
    gravest aggressions), whose text already carries only file numbers, dates and clocks."""
    zone = ZoneInfo(user.time_zone or settings.DISPLAY_TIME_ZONE)
    overdue = [n for n in notifications if n.flag_id]
    notices = [n for n in notifications if not n.flag_id]
    flags = subjects_attach([n.flag for n in overdue])
    now = timezone.now()
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        urgent = sum(1 for n in notifications if n.urgent)
        grave = [n for n in notices if n.kind == NotificationKind.GRAVE_AGGRESSION]
        handovers = [n for n in notices if n.kind != NotificationKind.GRAVE_AGGRESSION]
        parts = []
        if grave:
            parts.append(
                ngettext("%(n)s agresión grave", "%(n)s agresiones graves", len(grave))
                % {"n": len(grave)}
            )
        if overdue:
            parts.append(
                ngettext("%(n)s plazo vencido", "%(n)s plazos vencidos", len(overdue))
                % {"n": len(overdue)}
            )
        if handovers:
            parts.append(
                ngettext(
                    "%(n)s traspaso de expedientes",
                    "%(n)s traspasos de expedientes",
                    len(handovers),
                )
                % {"n": len(handovers)}
            )
        subject = " · ".join(parts)
        if urgent:
            subject = _("URGENTE: %(subject)s") % {"subject": subject}
        lines = []
        if overdue:
            lines += [_("Plazos legales vencidos que requieren su atención:"), ""]
        for notification, flag in zip(overdue, flags, strict=True):
            lines.append(f"- {flag.get_clock_display()}: {flag_subject_label(flag)}")
            lines.append(
                "  "
                + _("Venció: %(due)s · retraso: %(late)s")
                % {
                    "due": show_datetime(flag.due_at, zone),
                    "late": late_words(flag.late_by(now)),
                }
            )
            if notification.kind == NotificationKind.ESCALATED:
                lines.append(
                    "  "
                    + _("Escalado a la Coordinación. Responsable: %(who)s")
                    % {"who": responsible_words(flag)}
                )
        for notice in notices:
            if lines:
                lines.append("")
            lines.append(notice.message)
            if notice.link:
                lines.append(base + notice.link)
        lines += [
            "",
            _("Consulte sus avisos: %(url)s") % {"url": base + reverse("notifications:list")},
        ]
        prefix = _("Mecanismo de Protección")
    return f"[{prefix}] {subject}", "\n".join(lines)


def notice_send(*, recipient, kind, message, link="", urgent=False):
    """An in-app notice that is not about an overdue clock (a handover, a grave aggression),
    e-mailed after the caller's transaction commits. `message` must name no protected person."""
    notice = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        message=message,
        link=link,
        urgent=urgent,
        created_at=timezone.now(),
    )
    transaction.on_commit(lambda: digests_enqueue([recipient.pk]))
    return notice


def late_words(delta):
    hours = int(delta.total_seconds() // 3600)
    if hours >= 48:
        days = hours // 24
        return ngettext("%(n)s día", "%(n)s días", days) % {"n": days}
    if hours >= 1:
        return ngettext("%(n)s hora", "%(n)s horas", hours) % {"n": hours}
    minutes = int(delta.total_seconds() // 60)
    return ngettext("%(n)s minuto", "%(n)s minutos", minutes) % {"n": minutes}


def responsible_words(flag):
    """Who must act: the person and the unit she actually belongs to (not the clock's default
    role); with nobody named, the coordination, which receives the flag at once."""
    person = flag.responsible if flag.responsible_id else None
    if person is not None:
        if person.unit:
            return _("%(name)s · %(unit)s") % {
                "name": person.display_name,
                "unit": person.get_unit_display(),
            }
        return person.display_name
    return _("%(unit)s (sin persona asignada)") % {"unit": Unit.CEN.label}


def users_with_pending_email():
    return list(
        Notification.objects.filter(email_status=EmailStatus.PENDING)
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def urgent_email_stuck(now=None, *, older_than=None):
    """People with urgent alerts still unsent after `older_than` (the outbox sweeper's list)."""
    now = now or timezone.now()
    cutoff = now - (older_than or stuck_after())
    return list(
        Notification.objects.filter(
            email_status=EmailStatus.PENDING,
            urgent=True,
            created_at__lt=cutoff,
            read_at__isnull=True,
        )
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - claim_timeout()))
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def stuck_after():
    return timedelta(minutes=getattr(settings, "OUTBOX_STUCK_MINUTES", 10))


# ------------------------------------------------------------------------------------------------
# In the app


def notifications_for(user):
    return (
        Notification.objects.filter(recipient=user)
        .select_related("flag", "flag__case", "flag__responsible")
        .order_by("-created_at", "-pk")
    )


def unread_count(user):
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for(user, pk):
    """The user's own notification; Http404 for anyone else's."""
    try:
        return notifications_for(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notification_mark_read(*, actor, notification):
    """Mark one of the actor's notifications read (a no-op if it already is)."""
    Notification.objects.filter(pk=notification.pk, recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, actor):
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def flags_visible_to(user, *, open_only=True):
    """Overdue flags the user may see: coordinators all; other staff theirs and their cases'."""
    flags = OverdueFlag.objects.select_related("case", "responsible")
    if open_only:
        flags = flags.filter(cleared_at__isnull=True)
    if user.role == Role.COORDINATOR:
        return flags
    if user.role not in STAFF_ROLES:
        return flags.none()
    return flags.filter(Q(responsible=user) | Q(case__in=case_list_for(user).values("pk")))
