"""Celery tasks of the reports app: thin, primary keys only, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from .facts import rebuild
from .lifecycle import EXPORT
from .models import ExportJob
from .services import export_job_run, exports_purge_expired


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=3,
    default_retry_delay=30,
    time_limit=1800,
    soft_time_limit=1700,
)
def export_build(self, job_id):
    try:
        return export_job_run(job_id)
    except OperationalError as exc:  # the database went away: try again later
        EXPORT.bulk(ExportJob.objects.filter(pk=job_id), "requeue")
        raise self.retry(exc=exc) from exc


@shared_task
def exports_purge():
    """Periodic (hourly): expire downloads and re-queue forgotten jobs."""
    return exports_purge_expired()


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def facts_rebuild():
    """Periodic (nightly): recompute every case's milestone dates (protection.reports.facts)."""
    return rebuild()
