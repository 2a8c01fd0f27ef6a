"""Deadline calendar: the running legal clocks (protection.deadlines.open_clocks, the sweep's
own definitions) by due date, as a month grid — one's own, or a unit's. Only cases the user may
see are listed (cases.selectors scope).

The same clocks as an iCalendar feed for calendar applications, reached through the owner's
secret link (protection.security.feeds): file numbers, clock names, due times and a link back
into the app — no names, no narrative. The owner's role and case scope are applied at each
fetch; an unknown or revoked link is a 404; every fetch is in the audit log."""

import calendar
from datetime import date, datetime, time, timedelta

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from protection import access
from protection.deadlines import open_clocks
from protection.errors import DomainError
from protection.models import Unit, User
from protection.security import audit
from protection.security.feeds import (
    calendar_feed_fetched,
    calendar_feed_link_create,
    calendar_feed_link_live,
    calendar_feed_link_revoke,
    calendar_feed_token_resolve,
)
from protection.security.models import AuditAction, AuditOutcome

from .models import Case
from .selectors import case_scope

STAFF_UNITS = (Unit.URCRR, Unit.UER, Unit.UPSA, Unit.CEN)


def _month(value, today):
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)


def _unit_allowed(user, unit):
    """A unit's calendar: one's own unit, or any unit for the coordination."""
    return unit in STAFF_UNITS and (unit == user.unit or access.can(user, "case.view_all"))


def _visible_clocks(user, unit, *, due_from=None, due_until=None):
    """The running clocks of `user` (or of `unit`'s people) on cases `user` may see: a list of
    (clock, file number)."""
    people = (
        User.objects.filter(unit=unit, is_active=True).values_list("pk", flat=True)
        if unit
        else [user.pk]
    )
    rows = open_clocks(responsible_ids=list(people), due_from=due_from, due_until=due_until)
    case_ids = {row.case_id for row in rows if row.case_id}
    visible = dict(
        Case.objects.filter(case_scope(user), pk__in=case_ids).values_list("pk", "file_number")
    )
    return [(row, visible[row.case_id]) for row in rows if row.case_id in visible]


@login_required
@require_GET
def deadline_calendar(request):
    user = request.user
    if user.role not in access.STAFF_ROLES:
        raise PermissionDenied
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    first = _month(request.GET.get("mes"), today)
    if not date(2000, 1, 1) <= first <= date(2100, 1, 1):
        first = today.replace(day=1)
    unit = request.GET.get("unidad", "")
    if unit and not _unit_allowed(user, unit):
        unit = ""
    last = (first + timedelta(days=32)).replace(day=1)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last, time.min, tzinfo=zone)
    now = timezone.now()
    by_day = {}
    for row, file_number in _visible_clocks(user, unit, due_from=start, due_until=end):
        day = timezone.localtime(row.due_at, zone).date()
        by_day.setdefault(day, []).append(
            {
                "label": row.label,
                "file_number": file_number,
                "case_id": row.case_id,
                "due": row.due_at,
                "overdue": row.due_at < now,
            }
        )
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        cells = [
            {"day": d, "in_month": d.month == first.month, "items": by_day.get(d, [])} for d in week
        ]
        weeks.append({"cells": cells, "has_items": any(cell["items"] for cell in cells)})
    previous = (first - timedelta(days=1)).replace(day=1)
    units = STAFF_UNITS if access.can(user, "case.view_all") else (user.unit,)
    units = [(u, Unit(u).label) for u in units if u]
    # The feed link: its secret only right after it was made (then never again).
    secret = request.session.pop(NEW_SECRET_KEY, None)
    feed_urls = []
    if secret:
        base = request.build_absolute_uri(reverse("cases:calendar_feed", args=[secret]))
        feed_urls = [(_("Mis plazos"), base)] + [
            (label, f"{base}?unidad={code}") for code, label in units if code in STAFF_UNITS
        ]
    return render(
        request,
        "cases/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "previous": previous.strftime("%Y-%m"),
            "next": last.strftime("%Y-%m"),
            "unit": unit,
            "unit_label": Unit(unit).label if unit else "",
            "units": units,
            "feed_link": calendar_feed_link_live(user),
            "feed_urls": feed_urls,
            "title": _("Calendario de plazos"),
            "count": sum(len(items) for items in by_day.values()),
            "today": today,
        },
    )


NEW_SECRET_KEY = "calendar_feed_secret"  # noqa: S105 (a session key name)


@login_required
@require_POST
def calendar_feed_link(request):
    """Make (or make again, revoking the old one) or revoke one's calendar feed link. A new
    secret is shown once, on the calendar page it returns to (kept in the server-side session
    until that page reads it, as Django's own password reset does with its token)."""
    try:
        if request.POST.get("accion") == "revocar":
            if calendar_feed_link_revoke(actor=request.user, request=request):
                messages.success(
                    request,
                    _("Enlace revocado: las aplicaciones suscritas ya no reciben sus plazos."),
                )
        else:
            _token, secret = calendar_feed_link_create(actor=request.user, request=request)
            request.session[NEW_SECRET_KEY] = secret
            messages.success(
                request,
                _("Enlace creado. Cópielo ahora: por seguridad no se volverá a mostrar."),
            )
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(reverse("cases:calendar") + "#suscripcion")


# What the audit log keeps in the path instead of the secret.
SEALED_SECRET = "***"  # noqa: S105


@require_GET
def calendar_feed(request, secret):
    # Logged here, not by the audit middleware: the URL carries the secret.
    request.audit_logged = True
    token = calendar_feed_token_resolve(secret)
    owner = token.user if token else None
    unit = request.GET.get("unidad", "")
    log = {
        "request": request,
        "user": owner,
        "action": AuditAction.CALENDAR_FEED,
        "target": "cases:calendar_feed",
        "object_id": f"token={token.pk}" if token else "",
        "query": f"unidad={unit}" if unit else "",
        "path": reverse("cases:calendar_feed", args=[SEALED_SECRET]),
    }
    if (
        owner is None
        or not owner.is_active
        or not access.can(owner, "calendar.feed")
        or (unit and not _unit_allowed(owner, unit))
    ):
        audit.record(**log, outcome=AuditOutcome.NOT_FOUND, status_code=404)
        raise Http404
    clocks = _visible_clocks(owner, unit)
    now = timezone.now()
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Mecanismo de Proteccion//Calendario de plazos//ES")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    name = _("Plazos de %(unit)s") % {"unit": unit} if unit else _("Mis plazos")
    feed.add("x-wr-calname", name)
    feed.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT1H")
    host = request.get_host().split(":")[0] or "mecanismo"
    for row, file_number in clocks:
        link = request.build_absolute_uri(reverse("cases:detail", args=[row.case_id]))
        event = icalendar.Event()
        event.add("uid", f"{row.clock}-{row.subject_type}-{row.subject_id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", row.due_at)
        event.add("dtend", row.due_at)
        overdue = f" ({_('vencido')})" if row.due_at < now else ""
        event.add("summary", f"{file_number} · {row.label}{overdue}")
        event.add("description", link)
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        feed.add_component(event)
    calendar_feed_fetched(token)
    audit.record_for_cases(
        [row.case_id for row, _file in clocks], **log, outcome=AuditOutcome.OK, status_code=200
    )
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="plazos.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
