"""Report pages: indicators (full and the Board's reduced version), aggression monitoring, the
public annual report, and exports with background jobs. Views stay thin: the figures come from
indicators / monitoring / annual, the files from services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import AggressionType, AggressorType, CaseStatus, Procedure, State
from measures.models import ImplementingAuthority, MeasureCategory, MeasureStatus
from protection import clocks

from . import access, charts, monitoring, services
from . import annual as annual_report
from . import indicators as figures
from .conf import small_count_threshold
from .exports import CONTENT_TYPES
from .filters import Period, ReportFilterForm
from .models import ExportFormat, ExportJob, ExportKind, ExportStatus


def _report_nav(request):
    user = request.user
    return {
        "can_indicators": access.can(user, "reports.indicators")
        or access.can(user, "reports.indicators_board"),
        "can_aggressions": access.can(user, "reports.aggressions"),
        "can_annual": access.can(user, "reports.annual"),
        "can_export": access.can(user, "reports.export"),
    }


@login_required
def indicators(request):
    full = access.can(request.user, "reports.indicators")
    if not full:
        access.require(request.user, "reports.indicators_board")
    form = ReportFilterForm(request.GET or None, allow_state=full)
    filters = form.filters()
    result = figures.compute(filters, detail=full)
    threshold = 0 if full else small_count_threshold()
    context = {
        **_report_nav(request),
        "form": form,
        "filters": filters,
        "result": result,
        "full": full,
        "threshold": threshold,
        "charts": _indicator_charts(result, threshold),
        "zone": clocks.mechanism_zone(),
    }
    return render(request, "reports/indicators.html", context)


def _indicator_charts(result, threshold):
    out = {}
    series = [_("Admitidas"), _("No admitidas"), _("En trámite")]
    out["requests"] = charts.bar_chart(
        _("Solicitudes recibidas por periodo"),
        [
            (
                row["label"],
                [
                    row["admitted"],
                    row["rejected"],
                    row["received"] - row["admitted"] - row["rejected"],
                ],
            )
            for row in result.requests_series
        ],
        series=series,
        hide_below=threshold,
        desc=_("Barras apiladas por mes o año: admitidas, no admitidas y en trámite."),
    )
    rejected = [r for r in result.reasons if not r["for_admission"]]
    out["reasons"] = charts.bar_chart(
        _("Motivos de no admisión"),
        [(r["name"], r["count"]) for r in rejected],
        hide_below=threshold,
        desc=_("Número de solicitudes no admitidas por cada motivo."),
    )
    out["times"] = charts.bar_chart(
        _("Mediana de días desde la solicitud"),
        [
            (
                m.label,
                round(m.median_seconds / 86400, 1)
                if m.median_seconds is not None and m.reached >= threshold
                else 0,
            )
            for m in result.milestones
        ],
        unit=" d",
        desc=_("Mediana, en días, del tiempo desde la solicitud hasta cada paso."),
    )
    out["overdue"] = charts.bar_chart(
        _("Plazos vencidos hoy"),
        [(row["label"], row["count"]) for row in result.overdue_now],
        hide_below=threshold,
        desc=_("Número de plazos vencidos y sin cumplir, por plazo legal."),
    )
    out["backlog"] = charts.bar_chart(
        _("Rezago de estudios y revaluaciones"),
        [(row["label"], [row["studies"], row["reevaluations"]]) for row in result.backlog["trend"]],
        series=[_("Estudios"), _("Revaluaciones")],
        hide_below=threshold,
        desc=_("Estudios de riesgo y revaluaciones pendientes al cierre de cada mes o año."),
    )
    if result.compliance_by_authority:
        out["compliance"] = charts.bar_chart(
            _("Cumplimiento por autoridad implementadora"),
            [
                (row["label"], [row["on_time"], row["late"], row["never"]])
                for row in result.compliance_by_authority
            ],
            series=[_("A tiempo"), _("Con retraso"), _("Nunca")],
            desc=_(
                "Medidas otorgadas en el periodo: implementadas a tiempo, con retraso, o "
                "vencidas sin implementar."
            ),
        )
    return out


@login_required
def aggressions(request):
    access.require(request.user, "reports.aggressions")
    form = ReportFilterForm(request.GET or None, default_period=Period.MONTH)
    filters = form.filters()
    result = monitoring.compute(filters)
    names = {row["code"]: row["name"] for row in result.by_state}
    counts = {row["code"]: row["count"] for row in result.by_state}
    context = {
        **_report_nav(request),
        "form": form,
        "filters": filters,
        "result": result,
        "state_map": charts.state_grid(
            _("Agresiones por entidad federativa"),
            counts,
            names=names,
            desc=_(
                "Mapa de mosaicos de las 32 entidades; el color indica el número de "
                "agresiones en el periodo. La tabla al lado da las cifras."
            ),
        ),
        "type_chart": charts.bar_chart(
            _("Agresiones por tipo"),
            [(r["name"], r["count"]) for r in result.by_type],
            desc=_("Número de agresiones de cada tipo (una agresión puede tener varios)."),
        ),
        "aggressor_chart": charts.bar_chart(
            _("Agresiones por presunto agresor"),
            [(r["name"], r["count"]) for r in result.by_aggressor],
            desc=_("Número de agresiones por tipo de presunto agresor."),
        ),
        "month_chart": charts.bar_chart(
            _("Agresiones por mes"),
            [(r["month"].strftime("%Y-%m"), r["count"]) for r in result.by_month],
            desc=_("Número de agresiones por mes en que ocurrieron."),
        ),
        "aggressor_types": AggressorType.choices,
    }
    return render(request, "reports/aggressions.html", context)


@login_required
def annual(request):
    access.require(request.user, "reports.annual")
    this_year = timezone.localdate(timezone.now(), clocks.mechanism_zone()).year
    try:
        year = int(request.GET.get("year") or this_year - 1)
    except ValueError:
        year = this_year - 1
    year = min(max(year, 2000), this_year)
    report = annual_report.build(year)
    return render(
        request,
        "reports/annual.html",
        {
            **_report_nav(request),
            "report": report,
            "year": year,
            "years": range(this_year, this_year - 12, -1),
        },
    )


@login_required
def annual_pdf(request, year):
    access.require(request.user, "reports.annual")
    this_year = timezone.localdate(timezone.now(), clocks.mechanism_zone()).year
    if not 2000 <= year <= this_year:
        raise Http404
    report = annual_report.build(year)
    pdf = annual_report.render_pdf(report)
    services.annual_report_logged(actor=request.user, year=year)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="informe-anual-{year}.pdf"'
    return response


@login_required
@require_POST
def annual_pdf_start(request, year):
    """The PDF is built in the background; the job page shows each step as it is done."""
    access.require(request.user, "reports.annual")
    this_year = timezone.localdate(timezone.now(), clocks.mechanism_zone()).year
    if not 2000 <= year <= this_year:
        raise Http404
    job = services.annual_report_start(actor=request.user, year=year)
    return redirect("reports:export_job", pk=job.pk)


def _job_context(request, job, now):
    context = {**_report_nav(request), "job": job, "now": now}
    if job.kind == ExportKind.ANNUAL_REPORT:
        labels = annual_report.step_labels()
        context["annual_year"] = job.params["year"][0]
        context["annual_step"] = {
            "number": min(job.rows_done + 1, len(labels)),
            "total": len(labels),
            "label": labels[min(job.rows_done, len(labels) - 1)],
        }
    return context


@login_required
def export_list(request):
    access.require(request.user, "reports.export")
    jobs = ExportJob.objects.filter(requested_by=request.user).exclude(
        kind=ExportKind.ANNUAL_REPORT
    )[:20]
    return render(
        request,
        "reports/exports.html",
        {
            **_report_nav(request),
            "jobs": jobs,
            "now": timezone.now(),
            "states": State.objects.order_by("name"),
            "aggression_types": AggressionType.objects.order_by("name"),
            "aggressor_types": AggressorType.choices,
            "authorities": ImplementingAuthority.objects.order_by("name"),
            "case_statuses": CaseStatus.choices,
            "procedures": Procedure.choices,
            "measure_statuses": MeasureStatus.choices,
            "categories": MeasureCategory.choices,
        },
    )


@login_required
@require_POST
def export(request, kind, file_format):
    access.require(request.user, "reports.export")
    if kind not in (
        ExportKind.CASES,
        ExportKind.AGGRESSIONS,
        ExportKind.MEASURES,
    ) or file_format not in (ExportFormat.CSV, ExportFormat.XLSX):
        raise Http404
    params = request.GET.copy()
    for key, values in request.POST.lists():
        if key != "csrfmiddlewaretoken":
            params.setlist(key, [v for v in values if v != ""])
    job, content = services.export_start(
        actor=request.user, kind=kind, file_format=file_format, params=params
    )
    if content is None:
        messages.info(
            request,
            _(
                "La exportación tiene %(n)s filas: se prepara en segundo "
                "plano. Puede seguir su avance aquí."
            )
            % {"n": job.rows_total},
        )
        return redirect("reports:export_job", pk=job.pk)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


def _own_job(request, pk):
    """Only the person who asked for an export sees it: anyone else gets a 404."""
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


@login_required
@require_http_methods(["GET"])
def export_job(request, pk):
    access.require(request.user, "reports.export")
    job = _own_job(request, pk)
    context = _job_context(request, job, timezone.now())
    if getattr(request, "htmx", False):
        return render(request, "reports/_export_progress.html", context)
    return render(request, "reports/export_job.html", context)


@login_required
def export_download(request, pk):
    access.require(request.user, "reports.export")
    job = _own_job(request, pk)
    now = timezone.now()
    if job.status != ExportStatus.DONE or not job.file:
        if job.is_expired(now) or job.status == ExportStatus.EXPIRED:
            return render(
                request, "reports/export_job.html", _job_context(request, job, now), status=410
            )
        raise Http404
    if job.is_expired(now):
        return render(
            request, "reports/export_job.html", _job_context(request, job, now), status=410
        )
    services.export_download(actor=request.user, job=job, now=now)
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES[job.file_format],
    )
