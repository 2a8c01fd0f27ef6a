"""Periodic work of the cases app: the nightly rebuild of the kept case counts (cases.tallies)."""

from celery import shared_task

from .tallies import rebuild


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def case_counts_rebuild():
    """Periodic (nightly): recompute the kept counts from the cases and fold their change rows
    into one per count, so that reading a count stays one short sum however many changes the day
    brought, and a count a manual database edit left behind is right again by morning."""
    return rebuild()
