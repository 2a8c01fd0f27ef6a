"""Pages for each step of the casework lifecycle. Views are thin: they check who may see the case
(cases.selectors, 404) and the role (protection.access, 403), validate the form, call the
service, and show a DomainError above the form with the user's input kept. Services are atomic,
so a refused step saves nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from measures.services import urgent_measures_issue
from protection import access
from protection.errors import DomainError, StaleEdit
from risk.services import immediate_assessment_record

from . import services, services_gravest
from .forms import (
    COVERED_VISIBLE,
    AdmissibilityForm,
    AggressionForm,
    AssignForm,
    CollectiveForm,
    ConsentForm,
    CoveredPersonFormSet,
    EvidenceForm,
    ExternalProtectionForm,
    FollowUpAssignForm,
    ImmediateAssessmentForm,
    OptionalImmediateAssessmentForm,
    PartyRoleForm,
    PersonEditForm,
    PersonForm,
    RequestForm,
    UrgentMeasureFormSet,
    VoluntaryExitForm,
    WithdrawConsentForm,
)
from .models import CasePerson, Consent, Person
from .search import similar_people_cases
from .selectors import case_get_for, case_visible

# ---------------------------------------------------------------------------------------------
# Shared helpers (risk/views.py and measures/views_followup.py use them too)


def require_role(user, action):
    if not access.can(user, action):
        raise PermissionDenied(_("Su rol no permite esta acción."))


def case_for(request, pk, action, record=access.CASE_FILE):
    """The case if the user may see its `record` (the file unless said; else 404) and may do
    `action` (else 403)."""
    case = case_get_for(request.user, pk, record)
    require_role(request.user, action)
    return case


def to_case(case, request=None):
    """Back to the case page after a step — unless the step moved the case out of the user's
    scope (an analyst approving a study sends the case to the Board; reception admitting a
    request sends it to risk evaluation): then to "Mi trabajo" with a note, never to a 404."""
    if request is not None and not case_visible(request.user, case.pk):
        messages.info(
            request,
            _(
                "El expediente %(number)s pasó a otra unidad y ya no está entre los que usted "
                "consulta."
            )
            % {"number": case.file_number},
        )
        return redirect("home")
    return redirect("cases:detail", pk=case.pk)


def form_step(request, *, form, perform, success_message, success_url, template, context):
    """Validate `form`, call `perform(cleaned_data)`; on a DomainError show it above the form.
    `success_url` may be a callable, evaluated after the step (its result may depend on it)."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success_message)
            return redirect(success_url() if callable(success_url) else success_url)
    return render(request, template, {**context, "form": form})


def step_page(
    request,
    *,
    case,
    title,
    intro,
    form,
    perform,
    success_message,
    submit_label=None,
    template="cases/steps/form_page.html",
    extra=None,
    success_url=None,
):
    cancel_url = reverse("cases:detail", args=[case.pk])
    return form_step(
        request,
        form=form,
        perform=perform,
        success_message=success_message,
        success_url=success_url or (lambda: to_case(case, request).url),
        template=template,
        context={
            "case": case,
            "title": title,
            "intro": intro,
            "submit_label": submit_label,
            "cancel_url": cancel_url,
            **(extra or {}),
        },
    )


def stale_changes_display(model, changes):
    """StaleEdit.changes with choice codes and foreign keys shown as people read them."""
    by_label = {str(f.verbose_name): f for f in model._meta.concrete_fields}
    rows = []
    for change in changes:
        field = by_label.get(change["field"])
        rows.append(
            {
                **change,
                "field": capfirst(change["field"]),
                "old": _display(field, change["old"]),
                "new": _display(field, change["new"]),
            }
        )
    return rows


def stale_form_data(post, form, model, changes, current_version):
    """The data to re-render a refused (stale) form with: the user's input, the current version,
    and, for each field the other person changed that this user left as it was, the other
    person's new value, so that saving again overwrites only what this user chose to change.
    Returns (data, names of the fields that now show the other person's value)."""
    by_label = {str(f.verbose_name): f for f in model._meta.concrete_fields}
    data = post.copy()
    data["version"] = str(current_version)
    taken = []
    for change in changes:
        field = by_label.get(change["field"])
        if field is None or field.name not in form.fields:
            continue
        name = form.add_prefix(field.name)
        old, new = change["old"], change["new"]
        if isinstance(field, models.BooleanField):
            if (name in post) == bool(old):
                if new:
                    data[name] = "on"
                else:
                    data.pop(name, None)
                taken.append(field.name)
        elif post.get(name, "") == ("" if old is None else str(old)):
            data[name] = "" if new is None else str(new)
            taken.append(field.name)
    return data, taken


def _display(field, value):
    if value in (None, ""):
        return "—"
    if field is None:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj else value
    if isinstance(value, bool):
        return _("Sí") if value else _("No")
    return value


# ---------------------------------------------------------------------------------------------
# Intake


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    require_role(request.user, "request.register")
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, prefix="req")
    # A post without the covered-persons rows (an older form, a script) names nobody more.
    covered_data = data if data is not None and "cov-TOTAL_FORMS" in data else None
    covered_forms = CoveredPersonFormSet(covered_data, prefix="cov", queryset=Person.objects.none())
    duplicates = []
    parties = {
        "petitioner": PersonForm(data, prefix="pet"),
        "petitioner_collective": CollectiveForm(data, prefix="petcol"),
        "beneficiary": PersonForm(data, prefix="ben"),
        "beneficiary_collective": CollectiveForm(data, prefix="bencol"),
    }
    if request.method == "POST":
        # Which party sections apply, read from the raw choices so that every section's errors
        # show in one pass even when the main form has errors of its own.
        keys = [
            "petitioner_collective"
            if form["petitioner_kind"].value() == "collective"
            else "petitioner"
        ]
        if not form["petitioner_is_beneficiary"].value():
            keys.append(
                "beneficiary_collective"
                if form["beneficiary_kind"].value() == "collective"
                else "beneficiary"
            )
        valid = form.is_valid()
        parties_valid = all([parties[key].is_valid() for key in keys])
        covered_valid = covered_forms.is_valid() if covered_forms.is_bound else True
        if valid and parties_valid and covered_valid:
            cd = form.cleaned_data
            petitioner = parties[keys[0]].save(commit=False)
            beneficiary = petitioner if len(keys) == 1 else parties[keys[1]].save(commit=False)
            covered = [
                (row.save(commit=False), row.cleaned_data["role"], row.cleaned_data["relationship"])
                for row in (covered_forms.forms if covered_forms.is_bound else [])
                if row.has_changed() and row.cleaned_data
            ]
            # Someone with a similar name, birth year and state already on file: show the
            # cases the user may see and save nothing until she confirms they are different.
            people = [petitioner] if beneficiary is petitioner else [petitioner, beneficiary]
            people = [p for p in people if isinstance(p, Person)]
            people += [person for person, _role, _rel in covered]
            if request.POST.get("duplicates_reviewed") != "1":
                for person in people:
                    found = similar_people_cases(
                        request.user,
                        given_names=person.given_names,
                        family_names=person.family_names,
                        birth_year=person.birth_year,
                        state=person.state,
                    )
                    if found:
                        duplicates.append((person, found))
        if valid and parties_valid and covered_valid and not duplicates:
            try:
                protection_request = services.request_register(
                    actor=request.user,
                    received_at=cd["received_at"],
                    channel=cd["channel"],
                    petitioner=petitioner,
                    beneficiaries=[beneficiary],
                    declares_imminent_danger=cd["declares_imminent_danger"],
                    facts=cd["facts"],
                    consent_given=cd["consent_given"],
                    consent_deferred_reason=cd["consent_deferred_reason"],
                    consent_evidence=cd["consent_evidence"],
                    acting_on_behalf=len(keys) > 1,
                    beneficiary_requested_presence=cd["beneficiary_requested_presence"],
                    covered=covered,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                case = protection_request.case
                if cd["declares_imminent_danger"]:
                    messages.warning(
                        request,
                        _(
                            "Solicitud registrada en el expediente %(file)s por la vía "
                            "extraordinaria: emita las medidas urgentes antes de que venza el "
                            "plazo."
                        )
                        % {"file": case.file_number},
                    )
                else:
                    messages.success(
                        request,
                        _("Solicitud registrada en el expediente %(file)s.")
                        % {"file": case.file_number},
                    )
                return to_case(case, request)
    return render(
        request,
        "cases/steps/request_new.html",
        {
            "form": form,
            **parties,
            "title": _("Nueva solicitud de incorporación"),
            "urgent_span": form.urgent_span,
            "covered_forms": covered_forms,
            "covered_visible": covered_forms.forms[:COVERED_VISIBLE],
            "covered_more": covered_forms.forms[COVERED_VISIBLE:],
            # The extra rows stay open after a post that filled one of them.
            "covered_more_open": covered_forms.is_bound
            and any(row.has_changed() for row in covered_forms.forms[COVERED_VISIBLE:]),
            "duplicates": duplicates,
        },
    )


# ---------------------------------------------------------------------------------------------
# Admissibility


@login_required
@require_http_methods(["GET", "POST"])
def admissibility(request, pk):
    case = case_for(request, pk, "case.admissibility")
    reasons_url = reverse("cases:admissibility", args=[case.pk])
    if request.method == "GET" and getattr(request, "htmx", False) and "admitted" in request.GET:
        admitted = {"yes": True, "no": False}.get(request.GET.get("admitted"))
        form = AdmissibilityForm(admitted=admitted, reasons_url=reasons_url)
        return render(request, "cases/steps/_admissibility_reasons.html", {"form": form})
    form = AdmissibilityForm(request.POST or None, reasons_url=reasons_url)

    def perform(cd):
        services.case_admissibility_decide(
            actor=request.user,
            case=case,
            admitted=cd["admitted"],
            reasons=cd["reasons"],
            explanation=cd["explanation"],
        )

    return step_page(
        request,
        case=case,
        title=_("Admisibilidad de la solicitud"),
        intro=_(
            "Admitir envía el expediente a evaluación de riesgo. No admitir lo concluye; "
            "en ambos casos la decisión necesita motivos de la lista y fundamentación."
        ),
        form=form,
        perform=perform,
        success_message=_("Decisión de admisibilidad registrada."),
        template="cases/steps/admissibility.html",
        submit_label=_("Registrar decisión"),
    )


# ---------------------------------------------------------------------------------------------
# People on the case


@login_required
@require_http_methods(["GET", "POST"])
def party_add(request, pk):
    case = case_for(request, pk, "case.edit_parties")
    data = request.POST or None
    person_form = PersonForm(data, prefix="person")
    role_form = PartyRoleForm(data, prefix="role")
    if request.method == "POST":
        person_ok, role_ok = person_form.is_valid(), role_form.is_valid()
        if person_ok and role_ok:
            try:
                services.case_person_add(
                    actor=request.user,
                    case=case,
                    party=person_form.save(commit=False),
                    role=role_form.cleaned_data["role"],
                    relationship=role_form.cleaned_data["relationship"],
                )
            except DomainError as exc:
                role_form.add_error(None, exc.message)
            else:
                messages.success(request, _("Persona agregada al expediente."))
                return to_case(case, request)
    return render(
        request,
        "cases/steps/party_add.html",
        {
            "case": case,
            "person_form": person_form,
            "role_form": role_form,
            "title": _("Agregar persona cubierta"),
            "cancel_url": reverse("cases:detail", args=[case.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk, person_pk):
    case = case_for(request, pk, "case.edit_parties")
    if not CasePerson.objects.filter(case=case, person_id=person_pk).exists():
        raise Http404
    person = get_object_or_404(Person, pk=person_pk)
    changes = []
    if request.method == "POST":
        form = PersonEditForm(request.POST, instance=person)
        if form.is_valid():
            try:
                services.person_update(
                    actor=request.user,
                    person=form.instance,
                    expected_version=form.cleaned_data["version"],
                )
            except StaleEdit as exc:
                current = Person.objects.get(pk=person.pk)
                changes = stale_changes_display(Person, exc.changes)
                # Keep the user's input with the current version, so that saving again is a
                # deliberate choice made after reading what changed.
                data, _taken = stale_form_data(
                    request.POST, form, Person, exc.changes, current.version
                )
                form = PersonEditForm(data, instance=current)
                form.is_valid()
                form.add_error(None, exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Datos de %(name)s actualizados.") % {"name": person.full_name}
                )
                return to_case(case, request)
    else:
        form = PersonEditForm(instance=person)
    return render(
        request,
        "cases/steps/person_edit.html",
        {
            "case": case,
            "person": person,
            "form": form,
            "changes": changes,
            "title": _("Editar datos de %(name)s") % {"name": person.full_name},
            "cancel_url": reverse("cases:detail", args=[case.pk]),
        },
    )


# ---------------------------------------------------------------------------------------------
# Aggressions, other bodies' protection


@login_required
@require_http_methods(["GET", "POST"])
def aggression_add(request, pk):
    case = case_for(request, pk, "case.aggression")
    form = AggressionForm(request.POST or None, case=case)

    def perform(cd):
        _aggression, outcome = services_gravest.aggression_register(
            actor=request.user, case=case, **cd
        )
        if outcome is None:
            return
        messages.warning(
            request,
            _(
                "Agresión grave (%(types)s): se avisó a la Coordinación y el expediente requiere "
                "un estudio de acción inmediata."
            )
            % {"types": ", ".join(outcome.types)},
        )
        if outcome.reevaluation is not None:
            messages.info(
                request,
                _("Se abrió una revaluación por hechos nuevos, asignada a %(name)s.")
                % {"name": outcome.reevaluation.study.analyst.display_name},
            )
        else:
            messages.warning(
                request,
                _("No se abrió revaluación: %(why)s") % {"why": outcome.reevaluation_refused},
            )

    return step_page(
        request,
        case=case,
        title=_("Registrar agresión"),
        intro=_(
            "Las agresiones posteriores a la solicitud indican si la protección funciona: "
            "regístrelas todas, con la denuncia y el estado de la investigación."
        ),
        form=form,
        perform=perform,
        success_message=_("Agresión registrada."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def external_add(request, pk):
    case = case_for(request, pk, "case.external_protection")
    form = ExternalProtectionForm(request.POST or None)

    def perform(cd):
        services.external_protection_record(actor=request.user, case=case, **cd)

    return step_page(
        request,
        case=case,
        title=_("Protección de otro organismo"),
        intro=_(
            "Medidas de la CNDH, comisiones estatales, la CIDH o la Corte IDH, con el nivel "
            "de riesgo que ese organismo determinó."
        ),
        form=form,
        perform=perform,
        success_message=_("Protección de otro organismo registrada."),
    )


# ---------------------------------------------------------------------------------------------
# Consent


def _consent_of(case, consent_pk):
    return get_object_or_404(Consent.objects.select_related("person"), pk=consent_pk, case=case)


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request, pk):
    case = case_for(request, pk, "case.consent")
    form = ConsentForm(request.POST or None, case=case)

    def perform(cd):
        services.consent_record(actor=request.user, case=case, **cd)

    return step_page(
        request,
        case=case,
        title=_("Registrar consentimiento"),
        intro=_(
            "Sin consentimiento vigente, nadie fuera del Mecanismo ve el expediente ni asiste "
            "a su discusión en la Junta."
        ),
        form=form,
        perform=perform,
        success_message=_("Consentimiento registrado."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk, consent_pk):
    case = case_for(request, pk, "case.consent")
    consent = _consent_of(case, consent_pk)
    form = WithdrawConsentForm(request.POST or None)

    def perform(cd):
        services.consent_withdraw(actor=request.user, consent=consent, evidence=cd["evidence"])

    return step_page(
        request,
        case=case,
        title=_("Revocar consentimiento"),
        intro=_("Consentimiento: %(purpose)s%(who)s. Al revocarlo, deja de valer desde ahora.")
        % {
            "purpose": consent.get_purpose_display(),
            "who": f" · {consent.person}" if consent.person else "",
        },
        form=form,
        perform=perform,
        success_message=_("Consentimiento revocado."),
        submit_label=_("Revocar"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_give(request, pk, consent_pk):
    case = case_for(request, pk, "case.consent")
    consent = _consent_of(case, consent_pk)
    form = EvidenceForm(request.POST or None)

    def perform(cd):
        services.consent_give_pending(actor=request.user, consent=consent, evidence=cd["evidence"])

    return step_page(
        request,
        case=case,
        title=_("Recabar consentimiento pendiente"),
        intro=_(
            "Se tramitó sin consentimiento por esta causa grave: «%(reason)s». Registre "
            "ahora la constancia."
        )
        % {"reason": consent.deferred_reason or "—"},
        form=form,
        perform=perform,
        success_message=_("Consentimiento registrado."),
    )


# ---------------------------------------------------------------------------------------------
# Urgent route


@login_required
@require_http_methods(["GET", "POST"])
def urgent_issue(request, pk):
    case = case_for(request, pk, "urgent.issue")
    data = request.POST or None
    formset = UrgentMeasureFormSet(data, case=case, prefix="m")
    assessment = OptionalImmediateAssessmentForm(data, prefix="a")
    can_assess = access.can(request.user, "assessment.immediate")
    errors = []
    if request.method == "POST":
        formset_ok = formset.is_valid()
        assessment_ok = assessment.is_valid()
        if formset_ok and assessment_ok:
            try:
                # One unit: the measures and the assessment done with them (art. 26-III).
                with transaction.atomic():
                    created = urgent_measures_issue(
                        actor=request.user, case=case, measures=formset.measures()
                    )
                    if can_assess and assessment.wanted():
                        cd = assessment.cleaned_data
                        immediate_assessment_record(
                            actor=request.user,
                            case=case,
                            findings=cd["findings"],
                            imminent_danger_confirmed=cd["imminent_danger_confirmed"],
                            recommended_measures=cd["recommended_measures"],
                        )
            except DomainError as exc:
                errors.append(exc.message)
            else:
                messages.success(
                    request, _("Se emitieron %(n)s medidas urgentes.") % {"n": len(created)}
                )
                return to_case(case, request)
    return render(
        request,
        "cases/steps/urgent_issue.html",
        {
            "case": case,
            "formset": formset,
            "assessment": assessment,
            "can_assess": can_assess,
            "errors": errors,
            "title": _("Emitir medidas urgentes"),
            "cancel_url": reverse("cases:detail", args=[case.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def immediate_assessment(request, pk):
    case = case_for(request, pk, "assessment.immediate")
    form = ImmediateAssessmentForm(request.POST or None)

    def perform(cd):
        immediate_assessment_record(actor=request.user, case=case, **cd)

    return step_page(
        request,
        case=case,
        title=_("Estudio de evaluación de acción inmediata"),
        intro=_("Se hace al mismo tiempo que las medidas urgentes (art. 26-III)."),
        form=form,
        perform=perform,
        success_message=_("Estudio de acción inmediata registrado."),
    )


# ---------------------------------------------------------------------------------------------
# Exit and assignment


@login_required
@require_http_methods(["GET", "POST"])
def voluntary_exit(request, pk):
    case = case_for(request, pk, "case.voluntary_exit")
    form = VoluntaryExitForm(request.POST or None)

    def perform(cd):
        services.case_voluntary_exit(
            actor=request.user, case=case, written_statement=cd["written_statement"]
        )

    return step_page(
        request,
        case=case,
        title=_("Salida voluntaria"),
        intro=_(
            "La persona beneficiaria puede dejar el Mecanismo en cualquier momento, por "
            "escrito (art. 40). Todas sus medidas concluyen."
        ),
        form=form,
        perform=perform,
        success_message=_("Salida voluntaria registrada; el expediente quedó concluido."),
        submit_label=_("Registrar salida voluntaria"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign(request, pk):
    case = case_for(request, pk, "case.assign")
    form = AssignForm(request.POST or None, initial={"officer": case.assigned_officer_id})

    def perform(cd):
        services.case_assign(actor=request.user, case=case, officer=cd["officer"])

    return step_page(
        request,
        case=case,
        title=_("Asignar persona responsable"),
        intro=_(
            "La persona responsable recibe el expediente en su lista de trabajo; el "
            "historial conserva quién lo tenía antes."
        ),
        form=form,
        perform=perform,
        success_message=_("Expediente asignado."),
        submit_label=_("Asignar"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_assign(request, pk):
    """Name the case's follow-up officer (UPSA); also posted from a confirmed decision's page,
    which it returns to (`next`)."""
    case = case_for(request, pk, "case.follow_up_assign")
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    form = FollowUpAssignForm(
        request.POST or None,
        initial={"officer": case.follow_up_officer_id, "next": back},
    )

    def perform(cd):
        services.case_follow_up_assign(actor=request.user, case=case, officer=cd["officer"])

    return step_page(
        request,
        case=case,
        title=_("Asignar persona de seguimiento"),
        intro=_(
            "La persona de seguimiento (UPSA) vigila las medidas del expediente: los plazos "
            "vencidos de implementación y revisión le llegan a ella y, si no se atienden, a la "
            "Coordinación. Las medidas vigentes pasan a su cargo."
        ),
        form=form,
        perform=perform,
        success_message=_("Persona de seguimiento asignada."),
        submit_label=_("Asignar"),
        success_url=back or None,
    )
