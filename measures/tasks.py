"""Celery tasks of the measures app. Thin: primary keys in, a service call, idempotent."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

log = logging.getLogger(__name__)

# A failed letter is retried by the sweeper this many times in all before it waits for a person.
MAX_LETTER_ATTEMPTS = 5


def letters_enqueue(letter_ids):
    """Queue rendering of planned letters. If the broker is down the rows stay pending and the
    periodic sweeper (letters_requeue_stuck) queues them later: nothing is lost."""
    for letter_id in letter_ids:
        try:
            letter_render.delay(letter_id)
        except Exception:  # broker unavailable: the sweeper will pick the row up
            log.warning("broker unavailable; letter %s left pending for the sweeper", letter_id)


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30,
             time_limit=120, soft_time_limit=100)
def letter_render(self, letter_id):
    from .rendering import STALE_CLAIM, letter_render_claimed

    try:
        return letter_render_claimed(letter_id)
    except (OperationalError, InterfaceError) as exc:
        # The database went away mid-render. Retry once any claim we could not release expired.
        raise self.retry(exc=exc, countdown=int(STALE_CLAIM.total_seconds()) + 5) from exc


@shared_task(acks_late=True, time_limit=120)
def letters_requeue_stuck():
    """Periodic sweeper: queue letters left pending (broker down at commit, worker killed) or
    failed fewer than MAX_LETTER_ATTEMPTS times, whose claim (if any) has expired."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import Letter, LetterStatus
    from .rendering import STALE_CLAIM

    stale = timezone.now() - STALE_CLAIM
    ids = list(
        Letter.objects.filter(status__in=[LetterStatus.PENDING, LetterStatus.FAILED],
                              attempts__lt=MAX_LETTER_ATTEMPTS)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .order_by("pk").values_list("pk", flat=True)[:1000]
    )
    letters_enqueue(ids)
    return len(ids)
