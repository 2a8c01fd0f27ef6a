"""Pages of the alerts: the bell, the list of one's notifications, overdue flags, the schedule of
periodic jobs. Thin: selectors and services are in protection/deadlines/notifications.py."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from protection.access import STAFF_ROLES
from protection.models import Role
from protection.schedules import JOBS

from . import notifications as service
from .models import PeriodicRun, SubjectType
from .sweep import flag_subject_label, subjects_attach

PAGE_SIZE = 50


def _describe(flags, now):
    """What each flag's line shows, computed once per page (no query per row)."""
    subjects_attach(flags)
    for flag in flags:
        flag.label = flag_subject_label(flag)
        flag.late_text = service.late_words(flag.late_by(now))
        flag.responsible_text = service.responsible_words(flag)
        flag.url = reverse("cases:detail", args=[flag.case_id]) if flag.case_id else ""
        if flag.case_id and flag.subject_type == SubjectType.CONTACT:
            # A late emergency response: straight to its entry in the contact log.
            contacts = reverse("cases:contacts", args=[flag.case_id])
            flag.url = f"{contacts}#contacto-{flag.subject_id}"
        elif flag.subject_type == SubjectType.REPORT and getattr(flag, "subject", None):
            # A contradicted authority report: beside it on its measure's page.
            measure = reverse("measures:measure_detail", args=[flag.subject.measure_id])
            flag.url = f"{measure}#reporte-{flag.subject_id}"
    return flags


@login_required
@require_GET
def notification_list(request):
    page = Paginator(service.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _describe([n.flag for n in page.object_list if n.flag_id], timezone.now())
    return render(
        request,
        "notifications/list.html",
        {"page": page, "can_see_flags": request.user.role in STAFF_ROLES},
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = service.notification_get_for(request.user, pk)
    service.notification_mark_read(actor=request.user, notification=notification)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("notifications:list")
    return redirect(target)


@login_required
@require_POST
def notifications_read_all(request):
    count = service.notifications_mark_all_read(actor=request.user)
    messages.success(
        request,
        ngettext("%(n)s aviso marcado como leído.", "%(n)s avisos marcados como leídos.", count)
        % {"n": count},
    )
    return redirect("notifications:list")


@login_required
@require_GET
def bell(request):
    """The bell alone, for htmx to refresh the unread count."""
    return render(request, "includes/bell.html")


@login_required
@require_GET
def flag_list(request):
    """Overdue legal clocks the user may see: open ones by due date, or those closed in the last
    30 days (?estado=cerrados) with how late they were in the end."""
    user = request.user
    if user.role not in STAFF_ROLES:
        raise PermissionDenied(_("Su rol no permite ver los plazos vencidos."))
    now = timezone.now()
    closed = request.GET.get("estado") == "cerrados"
    flags = service.flags_visible_to(user, open_only=not closed)
    if closed:
        flags = flags.filter(cleared_at__gte=now - timedelta(days=30)).order_by("-cleared_at")
    else:
        flags = flags.order_by("due_at", "pk")
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    _describe(list(page.object_list), now)
    return render(request, "notifications/flags.html", {"page": page, "closed": closed})


def _may_see_schedule(user):
    # As declared in protection.access.VIEW_POLICY: system administrators and the coordination.
    return user.is_superuser or user.is_staff or user.role in (Role.ADMINISTRATOR, Role.COORDINATOR)


def schedule_words(schedule):
    if isinstance(schedule, timedelta):
        minutes = int(schedule.total_seconds() // 60)
        if minutes % 60 == 0:
            hours = minutes // 60
            return ngettext("cada hora", "cada %(n)s horas", hours) % {"n": hours}
        return ngettext("cada minuto", "cada %(n)s minutos", minutes) % {"n": minutes}
    hours = sorted(schedule.hour)
    minutes = sorted(schedule.minute)
    times = ", ".join(f"{h:02d}:{m:02d}" for h in hours for m in minutes)
    return _("diario a las %(times)s UTC") % {"times": times}


@login_required
@require_GET
def schedule(request):
    """The periodic jobs (protection/schedules.py) with their last run, for administrators."""
    if not _may_see_schedule(request.user):
        raise PermissionDenied(
            _("Sólo la administración del sistema y la Coordinación ven la programación.")
        )
    runs = {run.name: run for run in PeriodicRun.objects.filter(name__in=[j.name for j in JOBS])}
    rows = [
        {"job": job, "when": schedule_words(job.schedule), "run": runs.get(job.name)}
        for job in JOBS
    ]
    return render(request, "notifications/schedule.html", {"rows": rows})
