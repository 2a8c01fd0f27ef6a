"""Two-factor verification and enrolment, break-glass, and the audit pages for coordinators."""

import base64
import io
from datetime import datetime, time
from functools import wraps

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.selectors import case_get_for, cases_by_file_number
from protection.errors import DomainError
from protection.formats import show_time
from protection.models import Role, User

from . import audit, crypto, services
from .describe import role_label, with_plain_words
from .forms import AuditFilterForm, BreakGlassForm, ResetForm, RevealForm, TokenForm
from .models import AuditAction, AuditEntry, BreakGlass


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _to_code_page(request):
    return redirect(f"{reverse('security:otp')}?{urlencode({'next': request.get_full_path()})}")


def verified_session_required(view):
    """Changes to a person's second factor need a session that passed it (when they hold one):
    a password alone never adds, removes or renews anything."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if services.has_second_factor(request.user) and not request.user.is_verified():
            messages.info(
                request,
                _("Confirme primero su identidad con su código para cambiar su seguridad."),
            )
            return _to_code_page(request)
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def otp(request):
    """Second factor: verify with an authenticator or a recovery code; a person who holds
    neither yet enrols their first authenticator here."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not services.has_second_factor(request.user):
        return _enrol(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        matched = services.otp_verify(
            user=request.user, token=form.cleaned_data["token"], request=request
        )
        if matched is not None:
            otp_login(request, matched)
            return redirect(_next(request))
        form.add_error("token", _("El código no es válido o ya fue usado."))
    return render(request, "security/otp_verify.html", {"form": form, "next": _next(request)})


def _qr_svg(uri):
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@verified_session_required
def otp_setup(request):
    """Add an authenticator: the first one, or another one from a verified session."""
    return _enrol(request)


def _enrol(request):
    user = request.user
    additional = services.has_second_factor(user)
    device = services.totp_device_for(user, confirmed=False)
    try:
        if device is None or request.method == "GET":
            device = services.totp_enrol_start(user=user)
    except DomainError as error:
        messages.error(request, error.message)
        return _to_code_page(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrol_confirm(
                user=user, device=device, token=form.cleaned_data["token"], request=request
            )
        except DomainError as error:
            form.add_error("token", error.message)
        else:
            # The person just proved they hold the new device: it verifies the session from
            # now on, so the old one can be removed without losing the verification.
            otp_login(request, device)
            if codes is None:
                messages.success(request, _("Se agregó el nuevo autenticador."))
                return redirect("security:account")
            return render(
                request, "security/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "security/otp_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr": _qr_svg(device.config_url),
            "next": _next(request),
            "additional": additional,
        },
    )


@verified_session_required
def recovery_codes(request):
    if request.method != "POST":
        return render(request, "security/recovery_codes_confirm.html")
    try:
        codes = services.recovery_codes_renew(user=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("security:account")
    return render(
        request,
        "security/recovery_codes.html",
        {"codes": codes, "next": reverse("security:account")},
    )


@verified_session_required
def account(request):
    """The person's own second factor: authenticators, recovery codes left, recent events."""
    user = request.user
    events = AuditEntry.objects.filter(
        action__in=SECURITY_EVENTS, object_id=f"user={user.pk}"
    ).order_by("-at", "-id")[:20]
    return render(
        request,
        "security/account.html",
        {
            "devices": services.totp_devices_for(user),
            "codes_left": services.recovery_codes_left(user),
            "events": events,
        },
    )


@verified_session_required
@require_POST
def device_remove(request, pk):
    device = get_object_or_404(TOTPDevice, pk=pk, user=request.user, confirmed=True)
    try:
        services.totp_device_remove(actor=request.user, device=device, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Se quitó el autenticador."))
    return redirect("security:account")


SECURITY_EVENTS = (
    AuditAction.OTP_ENROLLED,
    AuditAction.OTP_REMOVED,
    AuditAction.OTP_RESET,
    AuditAction.RECOVERY_USED,
    AuditAction.RECOVERY_RENEWED,
)


def _require_reset_role(user):
    if user.role not in services.TWO_FACTOR_RESET_ROLES:
        raise PermissionDenied


@login_required
def users(request):
    """People's second-factor state, for the Coordination and the administration (a lost
    phone is reset from here)."""
    _require_reset_role(request.user)
    people = (
        User.objects.filter(is_active=True)
        .annotate(
            authenticators=Count("totpdevice", filter=Q(totpdevice__confirmed=True), distinct=True),
            codes_left=Count("staticdevice__token_set", distinct=True),
        )
        .order_by("username")
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "security/users.html", {"page": page})


@login_required
def two_factor_reset(request, pk):
    _require_reset_role(request.user)
    person = get_object_or_404(User, pk=pk, is_active=True)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_reset(
                actor=request.user,
                user=person,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(
                request,
                _(
                    "Se restableció el segundo factor de %(user)s. Se le avisó por correo; en "
                    "su próximo inicio de sesión dará de alta un autenticador nuevo."
                )
                % {"user": person.display_name},
            )
            return redirect("security:users")
    return render(
        request,
        "security/two_factor_reset.html",
        {
            "form": form,
            "person": person,
            "has_second_factor": services.has_second_factor(person),
        },
    )


@login_required
def break_glass(request):
    """Open an emergency access to named cases; while one is open the page shows it and closes
    it."""
    if request.user.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    grant = services.break_glass_open_for(request.user)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and grant is None and form.is_valid():
        numbers = form.cleaned_data["file_numbers"]
        found = cases_by_file_number(numbers)
        unknown = [number for number in numbers if number not in found]
        if unknown:
            form.add_error(
                "file_numbers",
                _("No existe ningún expediente con el número %(n)s.") % {"n": ", ".join(unknown)},
            )
        else:
            try:
                grant = services.break_glass_start(
                    actor=request.user,
                    cases=[(found[number], number) for number in numbers],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.warning(
                    request,
                    _(
                        "Acceso de emergencia abierto a %(cases)s hasta %(t)s. Todo lo que "
                        "consulte queda registrado y la Coordinación fue avisada."
                    )
                    % {
                        "cases": ", ".join(numbers),
                        "t": show_time(grant.expires_at),
                    },
                )
                return redirect("cases:detail", found[numbers[0]])
    recent = BreakGlass.objects.filter(user=request.user).prefetch_related("cases")[:10]
    return render(
        request,
        "security/break_glass.html",
        {
            "form": form,
            "grant": grant,
            "recent": recent,
            "minutes": settings.BREAK_GLASS_MINUTES,
            "max_cases": settings.BREAK_GLASS_MAX_CASES,
        },
    )


@login_required
@require_POST
def break_glass_end(request, pk):
    """Close an access early: the administrator who opened it, or a coordinator."""
    user = request.user
    grants = BreakGlass.objects.all()
    if user.role != Role.COORDINATOR:
        grants = grants.filter(user=user)
    grant = get_object_or_404(grants, pk=pk)
    try:
        services.break_glass_end(actor=user, grant=grant, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Se cerró el acceso de emergencia."))
    if user.role == Role.COORDINATOR:
        return redirect("security:audit_log")
    return redirect("security:break_glass")


def _may_reveal_search(user):
    """The auditing role (the Coordination), or the administration under an open break-glass
    access; every look needs a reason and is logged."""
    return user.role == Role.COORDINATOR or (
        user.role == Role.ADMINISTRATOR and services.break_glass_active(user)
    )


@login_required
def audit_search_reveal(request, pk):
    """The search text of one audit row, read with a stated reason (logged)."""
    if not _may_reveal_search(request.user):
        raise PermissionDenied
    entry = get_object_or_404(AuditEntry.objects.exclude(search_index=""), pk=pk)
    form = RevealForm(request.POST or None)
    terms = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            audit.record(
                request=request,
                action=AuditAction.SEARCH_REVEAL,
                target="security:audit_search_reveal",
                object_id=entry.pk,
                reason=form.cleaned_data["reason"],
            )
        terms = entry.search_sealed
    [entry] = with_plain_words([entry])
    return render(
        request, "security/audit_search_reveal.html", {"entry": entry, "form": form, "terms": terms}
    )


def _require_coordinator(user):
    if user.role != Role.COORDINATOR:
        raise PermissionDenied


@login_required
def case_readers(request, pk):
    """Who has seen this case: every read of it, newest first."""
    _require_coordinator(request.user)
    case = case_get_for(request.user, pk)
    entries = AuditEntry.objects.filter(case_id=case.pk).order_by("-at", "-id")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    summary = list(
        AuditEntry.objects.filter(case_id=case.pk)
        .values("username", "role")
        .order_by("username")
        .annotate(reads=Count("id"), last=Max("at"))
    )
    for row in summary:
        row["role_label"] = role_label(row["role"])
    page.object_list = with_plain_words(page.object_list)
    return render(
        request, "security/case_readers.html", {"case": case, "page": page, "summary": summary}
    )


@login_required
def audit_log(request):
    _require_coordinator(request.user)
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related(None).order_by("-at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        zone = timezone.get_current_timezone()
        if data["user"]:
            entries = entries.filter(user_id=data["user"].pk)
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["outcome"]:
            entries = entries.filter(outcome=data["outcome"])
        if data["file_number"]:
            entries = entries.filter(case_id=data["file_number"])
        if data["ip_address"]:
            entries = entries.filter(ip_address=data["ip_address"])
        if data["q"]:
            # "Who searched for this name": compared by keyed hash, nothing decrypted.
            entries = entries.filter(search_index=crypto.blind_index(data["q"]))
        if data["date_from"]:
            entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data["date_to"]:
            entries = entries.filter(at__lte=datetime.combine(data["date_to"], time.max, zone))
    elif form.is_bound:
        # A filter that cannot be applied (an unknown file number, a bad date) shows nothing,
        # never the whole log as if it had matched.
        entries = entries.none()
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    page.object_list = with_plain_words(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    break_glass_recent = BreakGlass.objects.select_related("user", "ended_by").prefetch_related(
        "cases"
    )[:10]
    return render(
        request,
        "security/audit_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "break_glass_recent": break_glass_recent,
            "now": timezone.now(),
        },
    )


class LoginView(auth_views.LoginView):
    """Password first; the second factor follows (SessionSecurityMiddleware). In the embedded
    demo the page lists the demo users' TOTP keys and current codes so a tester can log in."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_codes"] = demo_codes()
        return context


def demo_codes():
    rows = []
    for device in (
        TOTPDevice.objects.filter(confirmed=True, name="demo")
        .select_related("user")
        .order_by("user__username")
    ):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        rows.append(
            {
                "username": device.user.username,
                "role": device.user.get_role_display(),
                "secret": base64.b32encode(device.bin_key).decode(),
                "code": f"{totp.token():0{device.digits}d}",
            }
        )
    return rows
