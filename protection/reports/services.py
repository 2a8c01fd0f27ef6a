"""Export services: start an export (immediately, or as a background job when it is large),
run a background job, and purge expired files. Every export leaves an ExportJob row: the log of
who exported what, with which filters and how many rows."""

import logging
import tempfile
from datetime import timedelta

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from protection.queue import enqueue
from protection.security import audit
from protection.security.models import AuditAction

from . import access, annual, exports
from .conf import export_expiry_hours, export_sync_max_rows
from .lifecycle import EXPORT
from .models import ExportFormat, ExportJob, ExportKind, ExportMode, ExportStatus

log = logging.getLogger(__name__)

# The worker's task (tasks.py calls this module): queued by its registered name.
EXPORT_BUILD = "protection.reports.tasks.export_build"

# A job claimed longer ago than this is taken to have died with its worker.
STALE_CLAIM = timedelta(minutes=30)


def _params(querydict):
    return {key: values for key, values in querydict.lists()}


def audit_export(job, *, qs=None, request=None):
    """Entries in the security audit log, one per case the file carries (`qs`), so that each
    case's "who has seen this" page shows the export."""
    case_ids = exports.case_ids(job.kind, qs) if qs is not None else []
    audit.record_for_cases(
        case_ids,
        request=request,
        user=job.requested_by,
        action=AuditAction.EXPORT,
        target=f"reports.{job.kind}",
        object_id=str(job.pk),
        query=exports.as_querydict(job.params).urlencode(),
        reason=f"{job.rows_total} filas, {job.file_format}, {job.mode}",
    )


def export_start(*, actor, kind, file_format, params):
    """(job, content). Small exports are built now (content is the file's bytes); larger ones
    become a pending job whose worker is queued after commit (content is None)."""
    access.require(actor, "reports.export")
    if kind not in (ExportKind.CASES, ExportKind.AGGRESSIONS, ExportKind.MEASURES):
        raise ValueError(kind)
    qs = exports.queryset(actor, kind, params)
    total = qs.count()
    job = ExportJob(
        requested_by=actor,
        requested_role=actor.role,
        kind=kind,
        file_format=file_format,
        params=_params(exports.as_querydict(params)),
        rows_total=total,
    )
    if total > export_sync_max_rows():
        job.mode = ExportMode.BACKGROUND  # queued in the initial state (pending)
        with transaction.atomic():
            job.save()
            transaction.on_commit(lambda: export_enqueue(job.pk))
        return job, None
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    written = exports.write(file_format, exports.rows(actor, kind, qs), buffer)
    now = timezone.now()
    EXPORT.transition(
        job,
        "build_now",
        actor=actor,
        mode=ExportMode.IMMEDIATE,
        rows_total=written,
        rows_done=written,
        claimed_at=now,
        finished_at=now,
    )
    audit_export(job, qs=qs)
    buffer.seek(0)
    return job, buffer.read()


def annual_report_logged(*, actor, year):
    """Keep the download of the annual report in the export log (an immediate export)."""
    access.require(actor, "reports.annual")
    now = timezone.now()
    return EXPORT.transition(
        ExportJob(
            requested_by=actor,
            requested_role=actor.role,
            kind=ExportKind.ANNUAL_REPORT,
            file_format=ExportFormat.PDF,
            params={"year": [str(year)]},
        ),
        "build_now",
        actor=actor,
        check_actor=False,  # the annual report has its own rule, checked above
        mode=ExportMode.IMMEDIATE,
        rows_total=1,
        rows_done=1,
        claimed_at=now,
        finished_at=now,
    )


def annual_report_start(*, actor, year):
    """The annual report's PDF as a background job (it takes seconds): the job page follows its
    steps (annual.step_labels) and offers the file when it is ready. Logged like every export."""
    access.require(actor, "reports.annual")
    job = ExportJob(
        requested_by=actor,
        requested_role=actor.role,
        kind=ExportKind.ANNUAL_REPORT,
        file_format=ExportFormat.PDF,
        mode=ExportMode.BACKGROUND,  # queued in the initial state (pending)
        params={"year": [str(year)]},
        rows_total=len(annual.step_labels()),
    )
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: export_enqueue(job.pk))
    return job


def _annual_report_write(job):
    """Build and render the annual report of a claimed job, recording each step done."""
    # Rights are checked again: the user may have lost the role since asking.
    access.require(job.requested_by, "reports.annual")

    def progress(n):
        ExportJob.objects.filter(pk=job.pk).update(rows_done=n)

    report = annual.build(int(job.params["year"][0]), progress=progress)
    pdf = annual.render_pdf(report)
    job.file.save(f"{job.pk}.pdf", ContentFile(pdf), save=False)
    return len(annual.step_labels())


def export_enqueue(job_id):
    """Queue the worker. If the broker is down the job stays pending; the purge task re-queues
    pending jobs, so nothing is lost."""
    if not enqueue(EXPORT_BUILD, str(job_id)):
        log.warning("broker unavailable; export %s left pending", job_id)


def export_claim(job_id, *, now=None):
    """Claim a pending (or abandoned) job for this worker. False if someone else has it or it
    is finished: running the task twice does the work once."""
    now = now or timezone.now()
    claimed = EXPORT.bulk(
        ExportJob.objects.filter(
            Q(status=ExportStatus.PENDING)
            | Q(status=ExportStatus.RUNNING, claimed_at__lt=now - STALE_CLAIM),
            pk=job_id,
        ),
        "claim",
        claimed_at=now,
        attempts=F("attempts") + 1,
        rows_done=0,
    )
    return claimed == 1


def export_job_run(job_id):
    """Build a claimed job's file with progress, store it privately and set its expiry."""
    if not export_claim(job_id):
        return False
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    user = job.requested_by
    qs = None
    try:
        if job.kind == ExportKind.ANNUAL_REPORT:
            written = _annual_report_write(job)
        else:
            # Rights are checked again: the user may have lost the role since asking.
            access.require(user, "reports.export")
            qs = exports.queryset(user, job.kind, job.params)

            def progress(n):
                ExportJob.objects.filter(pk=job.pk).update(rows_done=n)

            with tempfile.TemporaryFile() as handle:
                written = exports.write(
                    job.file_format, exports.rows(user, job.kind, qs), handle, progress=progress
                )
                handle.seek(0)
                job.file.save(f"{job.pk}.{job.file_format}", File(handle), save=False)
    except Exception as exc:
        EXPORT.bulk(
            ExportJob.objects.filter(pk=job.pk),
            "fail",
            finished_at=timezone.now(),
            error=type(exc).__name__,
        )
        raise
    now = timezone.now()
    # The file was stored above; the outcome is one conditional UPDATE from RUNNING.
    EXPORT.bulk(
        ExportJob.objects.filter(pk=job.pk),
        "finish",
        file=job.file.name,
        rows_done=written,
        rows_total=written,
        finished_at=now,
        expires_at=now + timedelta(hours=export_expiry_hours()),
    )
    job.refresh_from_db()
    if qs is not None:  # the annual report carries aggregates only: no case was read
        audit_export(job, qs=qs)
    return True


def export_download(*, actor, job, now=None):
    """Record a download of a finished job by its owner (the view checks ownership)."""
    now = now or timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        download_count=F("download_count") + 1, last_downloaded_at=now
    )


def exports_purge_expired(*, now=None):
    """Delete the files of expired exports (the rows stay: they are the log) and re-queue
    pending jobs whose worker was never queued."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now)
    count = 0
    for job in expired.only("pk", "file"):  # few per run: files expire a day after creation
        if job.file:
            job.file.delete(save=False)
        EXPORT.bulk(ExportJob.objects.filter(pk=job.pk), "expire", file="")
        count += 1
    stuck = ExportJob.objects.filter(
        status=ExportStatus.PENDING, created_at__lt=now - timedelta(minutes=5)
    )
    for job_id in stuck.values_list("pk", flat=True):
        export_enqueue(job_id)
    return count
