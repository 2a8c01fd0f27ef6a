"""Celery tasks for the deadlines and the outbox. Thin: primary keys in, a service call.

Every task here is safe to run twice, claims its rows before working, retries transient errors
(database or network) with exponential back-off, has a time limit, and is acknowledged only
after it finishes (a message whose worker died is delivered again). Periodic schedules are in
protection/schedules.py.

`enqueue()` (protection/queue.py) is how the web process queues work: when the broker is down
it returns at once and the work waits as a row (Letter, Notification) for the periodic sweeper.
"""

import logging
import smtplib
import socket
import time

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.utils import timezone

from measures.models import Letter, LetterStatus

# Re-exported: callers and tests use them from here (the code lives in the queue helper).
from protection.queue import broker_available, broker_health, enqueue  # noqa: F401
from protection.schedules import SWEEP_JOB

from .models import PeriodicRun
from .notifications import (
    digest_send_claimed,
    escalations_run,
    stuck_after,
    urgent_email_stuck,
    users_with_pending_email,
)
from .sweep import deadlines_sweep

# Queued by name: the letter task lives in the measures app (protection imports no domain task).
LETTER_RENDER = "measures.tasks.letter_render"

log = logging.getLogger(__name__)

# Worth retrying: the database, the network or the mail server did not answer.
TRANSIENT = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPException,
)

RELIABLE = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


_sweep_seen = {"at": float("-inf"), "stale": False}


def background_delayed():
    """True when queued work is not being done: the broker is down, or the deadline sweep has
    not finished a run for three of its intervals (no beat or no worker). Both checks are
    remembered for half a minute per process."""
    if not broker_available():
        return True
    if time.monotonic() - _sweep_seen["at"] >= 30:
        last = (
            PeriodicRun.objects.filter(name=SWEEP_JOB.name)
            .values_list("last_finished_at", flat=True)
            .first()
        )
        _sweep_seen["stale"] = last is not None and timezone.now() - last > 3 * SWEEP_JOB.every
        _sweep_seen["at"] = time.monotonic()
    return _sweep_seen["stale"]


# ------------------------------------------------------------------------------------------------
# Recording periodic runs (shown to administrators with the schedule)


def _recorded(name, work):
    started = timezone.now()
    run, _created = PeriodicRun.objects.get_or_create(name=name)
    PeriodicRun.objects.filter(pk=run.pk).update(last_started_at=started)
    result = work()
    run.refresh_from_db()
    run.last_finished_at = timezone.now()
    run.last_result = str(result)[:300]
    run.save()  # one history row per finished run: the run log
    return result


# ------------------------------------------------------------------------------------------------
# Tasks. Their registered names are those they had when they lived in protection/tasks.py:
# queued messages and the beat schedule (protection/schedules.py) name them so.


@shared_task(
    name="protection.tasks.deadlines_watch", time_limit=240, soft_time_limit=200, **RELIABLE
)
def deadlines_watch(self):
    """The sweep (raise and clear flags), then alerts and escalation."""

    def work():
        result = deadlines_sweep()
        escalation = escalations_run()
        return f"{result}; alerted {escalation.alerted}, escalated {escalation.escalated}"

    return _recorded("deadlines-watch", work)


@shared_task(name="protection.tasks.digest_send", time_limit=120, soft_time_limit=100, **RELIABLE)
def digest_send(self, user_id):
    """E-mail one person their pending alerts (claims the rows first; safe to run twice)."""
    return digest_send_claimed(user_id)


@shared_task(
    name="protection.tasks.digests_send_due", time_limit=300, soft_time_limit=240, **RELIABLE
)
def digests_send_due(self):
    """The daily digest: queue one e-mail for everyone with unsent alerts."""

    def work():
        queued = sum(enqueue(digest_send, user_id) for user_id in users_with_pending_email())
        return f"queued {queued}"

    return _recorded("digests-daily", work)


@shared_task(
    name="protection.tasks.outbox_requeue", time_limit=240, soft_time_limit=200, **RELIABLE
)
def outbox_requeue(self):
    """Queue again the work left waiting as rows: letters and urgent alert e-mails."""

    def work():
        letters = letters_requeue_stuck()
        emails = urgent_emails_requeue_stuck()
        return f"letters {letters}, urgent e-mails {emails}"

    return _recorded("outbox-requeue", work)


# ------------------------------------------------------------------------------------------------
# The outbox sweeper


def letters_requeue_stuck(now=None, *, limit=500):
    """Queue rendering of letters stuck too long: pending, or failed with attempts left, and
    never claimed or claimed longer ago than OUTBOX_STUCK_MINUTES (the worker died). A letter
    never claimed counts from its decision's confirmation, so one just planned is left to the
    task its confirmation queued. Returns how many were queued."""
    now = now or timezone.now()
    cutoff = now - stuck_after()
    max_attempts = getattr(settings, "LETTER_MAX_ATTEMPTS", 5)
    ids = list(
        Letter.objects.filter(
            Q(status=LetterStatus.PENDING)
            | Q(status=LetterStatus.FAILED, attempts__lt=max_attempts)
        )
        .filter(
            Q(claimed_at__isnull=True, decision__confirmed_at__lt=cutoff) | Q(claimed_at__lt=cutoff)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for letter_id in ids:
        if not enqueue(LETTER_RENDER, letter_id):
            break
        queued += 1
    return queued


def urgent_emails_requeue_stuck(now=None):
    """Queue the e-mail of urgent alerts still unsent after OUTBOX_STUCK_MINUTES. (The others
    wait for the daily digest, which queues everyone with unsent alerts.)"""
    queued = 0
    for user_id in urgent_email_stuck(now):
        if not enqueue(digest_send, user_id):
            break
        queued += 1
    return queued
