"""Celery tasks of the letters: rendering a planned letter. Thin: primary keys in, a service call,
idempotent. The task keeps the name it had as measures.tasks.letter_render, so letters queued
before a deploy are still run."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from protection.queue import enqueue  # the one broker-aware enqueue

log = logging.getLogger(__name__)


def letters_enqueue(letter_ids):
    """Queue rendering of planned letters. If the broker is down the rows stay pending and the
    periodic sweeper (protection.deadlines.tasks.letters_requeue_stuck) queues them later:
    nothing is lost. A letter queued twice is rendered once (measures.letters.rendering claims
    the row)."""
    for letter_id in letter_ids:
        enqueue(letter_render, letter_id)


@shared_task(
    name="measures.tasks.letter_render",
    bind=True,
    acks_late=True,
    max_retries=5,
    default_retry_delay=30,
    time_limit=120,
    soft_time_limit=100,
)
def letter_render(self, letter_id):
    # Imported when a letter is rendered, not when a letter is queued: WeasyPrint is heavy and
    # the web process only queues.
    from .rendering import STALE_CLAIM, letter_render_claimed

    try:
        return letter_render_claimed(letter_id)
    except (OperationalError, InterfaceError) as exc:
        # The database went away mid-render. Retry once any claim we could not release expired.
        raise self.retry(exc=exc, countdown=int(STALE_CLAIM.total_seconds()) + 5) from exc
