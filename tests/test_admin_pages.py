"""Every admin page opens, keeps its history, and refuses hard deletes.

The page tests are parametrized over `admin.site._registry`, so a newly registered model is
covered as soon as `build_world` knows how to make one of it.
"""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from cases.models import (
    AdmissibilityDecision,
    AdmissibilityReason,
    Aggression,
    AggressionType,
    AggressorType,
    Case,
    CasePerson,
    CaseRole,
    Collective,
    CollectiveKind,
    Consent,
    ConsentPurpose,
    ContactKind,
    ContactLogEntry,
    ExternalBody,
    ExternalProtection,
    Gender,
    Person,
    Procedure,
    ProfileType,
    ProtectionRequest,
    RequestChannel,
    State,
)
from measures.models import (
    AgendaItem,
    AgendaItemKind,
    Appeal,
    AppealTrack,
    Attendance,
    AuthorityLevel,
    AuthorityMember,
    BoardMember,
    BoardSession,
    Decision,
    DecisionLine,
    DecisionStatus,
    EventKind,
    GrantedMeasure,
    ImplementationEvent,
    ImplementingAuthority,
    LegalHold,
    Letter,
    LetterBatch,
    LineAction,
    MeasureCategory,
    MeasureOrigin,
    MeasureType,
    Observation,
    RecipientKind,
    RediscussionRequest,
    Resolution,
    Seat,
    SessionKind,
    SessionWaiver,
    SessionWaiverKind,
)
from protection.access import POLICY, can
from protection.admin import CONFIGURATION, is_configuration
from protection.deadlines.models import (
    Notification,
    NotificationKind,
    OverdueFlag,
    PeriodicRun,
    SubjectType,
)
from protection.models import Clock, ClockDefinition, DurationUnit, NumberSeries, Role, User
from protection.reports.models import ExportJob
from protection.transitions import machines
from risk.models import (
    FactorGroup,
    FactorScore,
    ImmediateActionAssessment,
    ProposedMeasure,
    Reevaluation,
    ReevaluationTrigger,
    RiskFactor,
    RiskLevel,
    RiskScale,
    RiskStudy,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("protection", "deadlines", "cases", "risk", "measures")
THIRD_PARTY = {"axes", "otp_static", "otp_totp", "otp_hotp", "otp_email"}
# Third-party admins (django-axes, django-otp) are theirs to test; ours are all covered.
REGISTERED = sorted(
    (m for m in admin.site._registry if m._meta.app_label not in THIRD_PARTY),
    key=lambda model: model._meta.label,
)
# The project's own models (Django's auth.Group is registered too, without history).
PROJECT_REGISTERED = [m for m in REGISTERED if m._meta.app_label in PROJECT_APPS]


def build_world(tag):
    """One row of every model the admin shows, all tied together; `tag` keeps them unique."""
    now = timezone.now()
    today = timezone.localdate()
    n = int(tag)
    user = User.objects.create_user(
        username=f"analyst-{tag}", first_name="Rosa", last_name=f"Pérez {tag}", role=Role.ANALYST
    )
    state, _ = State.objects.get_or_create(code=f"Z{tag}", defaults={"name": f"Prueba {tag}"})
    person = Person.objects.create(
        given_names=f"Ana {tag}", family_names="Xochitl", gender=Gender.WOMAN, state=state
    )
    collective = Collective.objects.create(
        name=f"Radio Prueba {tag}",
        kind=CollectiveKind.COMMUNITY_RADIO,
        profile_type=ProfileType.JOURNALIST,
        state=state,
    )
    scale = RiskScale.objects.create(name=f"Escala de prueba {tag}", active=False)
    level = RiskLevel.objects.create(scale=scale, code="high", name=f"Alto {tag}", rank=3)
    case = Case.objects.create(
        file_number=f"TEST/{tag}",
        procedure=Procedure.ORDINARY,
        opened_at=now,
        assigned_officer=user,
        current_risk_level=level,
    )
    request = ProtectionRequest.objects.create(
        case=case,
        received_at=now,
        channel=RequestChannel.PHONE,
        petitioner_person=person,
        procedure=Procedure.ORDINARY,
        facts="Amenazas por teléfono.",
        registered_by=user,
    )
    party = CasePerson.objects.create(
        case=case, person=person, role=CaseRole.BENEFICIARY, from_date=today
    )
    # The collective belongs to the case too: under break-glass the administrator sees only
    # the people and collectives of the cases it names.
    CasePerson.objects.create(
        case=case, collective=collective, role=CaseRole.BENEFICIARY, from_date=today
    )
    consent = Consent.objects.create(
        case=case,
        person=person,
        purpose=ConsentPurpose.PROCESSING,
        given_at=now,
        recorded_by=user,
    )
    aggression_type, _ = AggressionType.objects.get_or_create(
        code=f"test-{tag}", defaults={"name": f"Agresión de prueba {tag}"}
    )
    aggression = Aggression.objects.create(
        case=case,
        victim=party,
        occurred_on=today,
        state=state,
        presumed_aggressor=AggressorType.UNKNOWN,
        description="Seguimiento en la calle.",
        recorded_by=user,
    )
    aggression.types.add(aggression_type)
    external = ExternalProtection.objects.create(
        case=case, body=ExternalBody.IACHR, reference=f"MC-{tag}-24", granted_on=today
    )
    contact = ContactLogEntry.objects.create(
        case=case,
        kind=ContactKind.EMERGENCY_CALL,
        received_at=now,
        request="Pide auxilio.",
        help_arrived_at=now,
        recorded_by=user,
    )
    reason, _ = AdmissibilityReason.objects.get_or_create(
        code=f"test-{tag}", defaults={"name": f"Motivo de prueba {tag}", "for_admission": True}
    )
    admissibility = AdmissibilityDecision.objects.create(
        case=case, admitted=True, explanation="Cumple.", decided_by=user, decided_at=now
    )
    admissibility.reasons.add(reason)
    factor = RiskFactor.objects.create(
        code=f"test-{tag}", name=f"Factor {tag}", group=FactorGroup.CONTEXT, question="¿?"
    )
    assessment = ImmediateActionAssessment.objects.create(
        case=case,
        performed_by=user,
        performed_at=now,
        findings="Peligro inminente.",
        imminent_danger_confirmed=True,
    )
    study = RiskStudy.objects.create(
        case=case,
        analyst=user,
        requested_at=now,
        due_at=now + datetime.timedelta(days=30),
        resulting_level=level,
    )
    score = FactorScore.objects.create(study=study, factor=factor, score=2, reasoning="Contexto.")
    measure_type = MeasureType.objects.create(
        code=f"test-{tag}", name=f"Botón de pánico {tag}", category=MeasureCategory.PROTECTION
    )
    proposed = ProposedMeasure.objects.create(study=study, measure_type=measure_type, covered=party)
    reevaluation = Reevaluation.objects.create(
        case=case,
        trigger=ReevaluationTrigger.PERIODIC,
        requested_at=now,
        requested_by=user,
        reason="Un año.",
        study=study,
    )
    authority = ImplementingAuthority.objects.create(
        name=f"Autoridad de prueba {tag}", short_name=f"AP{tag}", level=AuthorityLevel.FEDERAL
    )
    portal_user = User.objects.create_user(username=f"portal-{tag}", role=Role.AUTHORITY)
    authority_member = AuthorityMember.objects.create(
        user=portal_user, authority=authority, invited_by=user, invited_at=now
    )
    session = BoardSession.objects.create(
        kind=SessionKind.ORDINARY,
        number=9000 + n,
        scheduled_at=now,
        papers_due_at=now - datetime.timedelta(days=5),
    )
    member = BoardMember.objects.create(
        name=f"Integrante {tag}", seat=Seat.SEGOB, institution="SEGOB", user=user
    )
    attendance = Attendance.objects.create(session=session, member=member, present=True)
    waiver = SessionWaiver.objects.create(
        session=session,
        kind=SessionWaiverKind.EARLY,
        reason="Sesión adelantada.",
        recorded_by=user,
        recorded_at=now,
    )
    appeal = Appeal.objects.create(
        case=case, track=AppealTrack.ORDINARY, filed_at=now, grounds="Agravios.", recorded_by=user
    )
    item = AgendaItem.objects.create(
        session=session,
        case=case,
        kind=AgendaItemKind.INCORPORATION,
        risk_study=study,
        appeal=appeal,
    )
    decision = Decision.objects.create(
        session=session,
        agenda_item=item,
        case=case,
        number=f"TEST-ACU/{tag}",
        resolution=Resolution.GRANT,
        legal_basis="Art. 33.",
        text="Se otorgan medidas.",
        recorded_by=user,
    )
    measure = GrantedMeasure.objects.create(
        case=case,
        decision=decision,
        origin=MeasureOrigin.BOARD,
        measure_type=measure_type,
        covered=party,
        authority=authority,
        granted_at=now,
        implementation_due_at=now + datetime.timedelta(days=10),
    )
    event = ImplementationEvent.objects.create(
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=now,
        notes="Entregado.",
        recorded_by=user,
    )
    hold = LegalHold.objects.create(
        case=case, court="Juzgado 1o", reference=f"AMP-{tag}", issued_on=today, recorded_by=user
    )
    letter = Letter.objects.create(
        decision=decision,
        recipient_kind=RecipientKind.AUTHORITY,
        recipient_authority=authority,
        number=f"TEST-OF/{tag}",
        template_version="1",
        verification_code=f"VERIF{tag}",
    )
    series = NumberSeries.objects.create(
        key=f"test-{tag}",
        name=f"Serie {tag}",
        pattern="{prefix}/{year}/{number:04d}",
        prefix="T",
        year=2026,
    )
    line = DecisionLine.objects.create(
        decision=decision,
        action=LineAction.GRANT,
        measure_type=measure_type,
        covered=party,
        authority=authority,
        duration_months=12,
        result=measure,
    )
    group, _ = Group.objects.get_or_create(name=f"Grupo de prueba {tag}")
    clock, _ = ClockDefinition.objects.get_or_create(
        clock=Clock.REDISCUSSION,
        defaults={"amount": 10, "unit": DurationUnit.DAYS, "responsible_role": Role.COORDINATOR},
    )
    clock.save()  # a row seeded by migration has no history record yet
    flag = OverdueFlag.objects.create(
        clock=Clock.RISK_STUDY,
        subject_type=SubjectType.CASE,
        subject_id=case.pk,
        case=case,
        due_at=now,
        raised_at=now,
        responsible=user,
        responsible_role=Role.ANALYST,
    )
    notification = Notification.objects.create(
        recipient=user, flag=flag, kind=NotificationKind.OVERDUE, created_at=now
    )
    run = PeriodicRun.objects.create(name=f"test-run-{tag}")
    observation = Observation.objects.create(
        agenda_item=item, member=member, author=user, text="Observación de prueba", recorded_at=now
    )
    rediscussion = RediscussionRequest.objects.create(
        case=case,
        requested_by_name="Beneficiaria",
        received_at=now,
        reason="Hechos nuevos",
        due_at=now,
        recorded_by=user,
    )
    batch = LetterBatch.objects.create(
        session=session, requested_by=user, requested_at=now, letter_ids=[letter.pk]
    )
    export = ExportJob.objects.create(
        requested_by=user,
        requested_role=user.role,
        kind="cases",
        file_format="csv",
        mode="immediate",
    )
    from cases.documents.models import Document, DocumentCategory, StoredFile

    stored = StoredFile.objects.create(
        storage_name=f"documents/test/{tag}.bin",
        wrapped_key="a2V5",
        size=3,
        sha256="0" * 64,
        mime_type="application/pdf",
    )
    document = Document.objects.create(
        case=case,
        category=DocumentCategory.objects.first(),
        description="Escrito de prueba",
        original_name=f"escrito-{tag}.pdf",
        safe_name=f"escrito-{tag}.pdf",
        kind="pdf",
        display_file=stored,
        original_file=stored,
        uploaded_by=user,
        uploaded_at=now,
    )
    from cases.models import Handover, HandoverCase

    handover = Handover.objects.create(
        from_officer=user, to_officer=user, reason="Traspaso de prueba", decided_by=user,
        decided_at=now,
    )  # fmt: skip
    handover_case = HandoverCase.objects.create(handover=handover, case=case, assignments=["case"])
    from protection.security.feeds import calendar_feed_link_create

    feed_link, _secret = calendar_feed_link_create(actor=user)
    rows = [
        feed_link, handover, handover_case,
        document, user, state, person, collective, scale, level, case, request, party, consent,
        aggression_type, aggression, external, reason, admissibility, factor, assessment, study,
        score, measure_type, proposed, reevaluation, authority, session, member, attendance,
        appeal, item, decision, line, measure, event, hold, letter, series, clock, group,
        flag, notification, run, observation, rediscussion, batch, export, waiver, contact,
        authority_member,
    ]  # fmt: skip
    return {type(row): row for row in rows}


# Derived counts kept by cases.tallies and rebuilt from the cases (like reports.CaseFacts): not
# records of anyone's work, so no history and no admin page.
BOOKKEEPING = {"cases.CaseTally", "cases.CaseCount"}


def test_every_project_model_is_registered_with_a_history_page():
    models = [
        model
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, HistoricalChanges) and model._meta.label not in BOOKKEEPING
    ]

    missing = [m._meta.label for m in models if m not in admin.site._registry]
    without_history = [
        m._meta.label
        for m in models
        if not isinstance(admin.site._registry.get(m), SimpleHistoryAdmin)
    ]

    assert missing == []
    assert without_history == []


@pytest.fixture
def admin_user(db, django_user_model, world):
    """The administrator, with a break-glass access open to the world's cases: without it case
    content is hidden (see test_administrator_without_break_glass_sees_no_case_content)."""
    from protection.security.models import BreakGlass, BreakGlassCase

    user = django_user_model.objects.create_superuser(
        "admin", "admin@example.org", "Contrasena-Admin-2026", role=Role.ADMINISTRATOR
    )
    grant = BreakGlass.objects.create(
        user=user,
        reason="Pruebas de la administración",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    BreakGlassCase.objects.bulk_create(
        BreakGlassCase(grant=grant, case_id=pk, file_number=number)
        for pk, number in Case.objects.values_list("pk", "file_number")
    )
    return user


@pytest.fixture
def world():
    return build_world("1")


def one_of(model, world):
    obj = world.get(model) or model._default_manager.first()
    assert obj is not None, f"build_world() makes no {model._meta.label}: add one"
    return obj


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_lists_the_record_and_searches(admin_client, world, model):
    obj = one_of(model, world)

    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert admin_url(model, "change", obj.pk) in response.content.decode()
    assert admin_client.get(admin_url(model, "changelist"), {"q": "x"}).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_add_page_opens_where_adding_is_allowed(admin_client, rf, admin_user, model):
    request = rf.get("/")
    request.user = admin_user
    allowed = admin.site._registry[model].has_add_permission(request)

    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_change_page_opens(admin_client, world, model):
    obj = one_of(model, world)

    response = admin_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert admin_url(model, "history", obj.pk) in response.content.decode()


@pytest.mark.parametrize("model", PROJECT_REGISTERED, ids=lambda m: m._meta.label)
def test_history_page_and_history_record_open(admin_client, world, model):
    obj = one_of(model, world)
    record = obj.history.latest()

    response = admin_client.get(admin_url(model, "history", obj.pk))

    assert response.status_code == 200
    record_url = admin_url(model, "simple_history", obj.pk, record.history_id)
    assert record_url in response.content.decode()
    assert admin_client.get(record_url).status_code == 200


@pytest.mark.parametrize("model", PROJECT_REGISTERED, ids=lambda m: m._meta.label)
def test_hard_delete_is_refused(admin_client, world, model):
    obj = one_of(model, world)

    assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=obj.pk).exists()
    changelist = admin_client.get(admin_url(model, "changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_delete_of_a_case_is_refused(admin_client, world):
    case = world[Case]

    response = admin_client.post(admin_url(Case, "delete", case.pk), {"post": "yes"})

    assert response.status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_queries_do_not_grow_with_rows(admin_client, world, model):
    url = admin_url(model, "changelist")
    admin_client.get(url)  # warm per-process caches (content types, sites)
    with CaptureQueriesContext(connection) as one_world:
        assert admin_client.get(url).status_code == 200

    build_world("2")
    with CaptureQueriesContext(connection) as two_worlds:
        assert admin_client.get(url).status_code == 200

    assert len(two_worlds) <= len(one_world), "\n".join(q["sql"] for q in two_worlds)


def test_a_decision_is_read_only_draft_or_confirmed(admin_client, world):
    """Drafting and confirming are the Coordination's steps (board.decide), not the admin's."""
    decision = world[Decision]
    url = admin_url(Decision, "change", decision.pk)
    for status in (DecisionStatus.DRAFT, DecisionStatus.CONFIRMED):
        Decision.objects.filter(pk=decision.pk).update(status=status)
        page = admin_client.get(url).content.decode()
        response = admin_client.post(url, {"text": "Otro texto.", "number": decision.number})

        assert 'name="text"' not in page
        assert "Se otorgan medidas." in page
        assert response.status_code == 403
        decision.refresh_from_db()
        assert decision.text == "Se otorgan medidas."


def test_confirmed_decision_cannot_be_reverted_through_its_history(admin_client, world):
    decision = world[Decision]
    draft = decision.history.latest()
    decision.status = DecisionStatus.CONFIRMED
    decision.save()

    response = admin_client.post(
        admin_url(Decision, "simple_history", decision.pk, draft.history_id), {}
    )

    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CONFIRMED


def test_letter_is_read_only(admin_client, world):
    letter = world[Letter]
    url = admin_url(Letter, "change", letter.pk)

    page = admin_client.get(url).content.decode()
    response = admin_client.post(url, {"number": "TYPED/1", "verification_code": "TYPED"})

    assert letter.number in page
    assert not re.search(r'<(input|select|textarea)[^>]+name="(number|status|sent_via)"', page)
    assert response.status_code == 403
    letter.refresh_from_db()
    assert letter.number == "TEST-OF/1"


def test_user_admin_shows_and_filters_the_role(admin_client, world):
    analyst = world[User]

    change = admin_client.get(admin_url(User, "change", analyst.pk)).content.decode()
    filtered = admin_client.get(admin_url(User, "changelist"), {"role__exact": Role.ANALYST})

    for field in ("role", "unit", "institution", "time_zone"):
        assert f'name="{field}"' in change
    assert filtered.status_code == 200
    assert list(filtered.context["cl"].result_list) == [analyst]  # not the admin (reception)
    assert 'href="?role__exact=analyst"' in filtered.content.decode()  # the role filter


def authority_form(authority, **changes):
    data = {
        "name": authority.name,
        "short_name": authority.short_name,
        "level": authority.level,
        "expected_version": authority.version,
    }
    # The read-only inline of the authority's portal users posts its management form.
    members = list(authority.members.values_list("pk", flat=True))
    data.update(
        {
            "members-TOTAL_FORMS": len(members),
            "members-INITIAL_FORMS": len(members),
            "members-MIN_NUM_FORMS": 0,
            "members-MAX_NUM_FORMS": 1000,
            **{f"members-{i}-id": pk for i, pk in enumerate(members)},
            **{f"members-{i}-authority": authority.pk for i in range(len(members))},
        }
    )
    return {**data, **changes}


def test_admin_edit_bumps_the_version(admin_client, world):
    authority = world[ImplementingAuthority]

    response = admin_client.post(
        admin_url(ImplementingAuthority, "change", authority.pk),
        authority_form(authority, short_name="GN"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    authority.refresh_from_db()
    assert (authority.short_name, authority.version) == ("GN", 2)


def test_stale_admin_edit_is_refused(admin_client, world):
    authority = world[ImplementingAuthority]
    opened = authority_form(authority, short_name="GN")
    ImplementingAuthority.objects.filter(pk=authority.pk).update(version=2, name="Otra guardó")

    response = admin_client.post(admin_url(ImplementingAuthority, "change", authority.pk), opened)

    assert response.status_code == 200
    assert "Otra persona modificó este registro" in response.content.decode()
    authority.refresh_from_db()
    assert (authority.short_name, authority.version) == ("AP1", 2)


def test_revert_through_history_is_checked_against_the_current_version(admin_client, world):
    # Configuration: records of the mechanism's work are never reverted here (read-only).
    authority = world[ImplementingAuthority]
    first = authority.history.earliest()
    authority.name, authority.version = "Autoridad renombrada", 2
    authority.save()
    url = admin_url(ImplementingAuthority, "simple_history", authority.pk, first.history_id)

    page = admin_client.get(url).content.decode()
    response = admin_client.post(url, authority_form(first.instance, expected_version=2))

    assert 'name="expected_version" value="2"' in page  # not the old copy's version 1
    assert response.status_code == 302, response.content.decode()[:500]
    authority.refresh_from_db()
    assert (authority.name, authority.version) == (first.instance.name, 3)


WORK_RECORDS = [m for m in PROJECT_REGISTERED if not is_configuration(m)]


@pytest.mark.parametrize("model", WORK_RECORDS, ids=lambda m: m._meta.label)
def test_records_of_the_mechanisms_work_are_read_only(admin_client, world, model):
    """The policy gives the administrator no step on case data (protection/admin.py): under
    break-glass a record is read, never added, changed or reverted, and nothing is saved."""
    obj = one_of(model, world)
    before = model._default_manager.filter(pk=obj.pk).values().get()
    change = admin_url(model, "change", obj.pk)

    page = admin_client.get(change)
    posted = admin_client.post(change, {"expected_version": getattr(obj, "version", 1)})
    added = admin_client.post(admin_url(model, "add"), {})
    version = obj.history.earliest()
    reverted = admin_client.post(admin_url(model, "simple_history", obj.pk, version.history_id))

    assert page.status_code == 200
    # every field shown as text (a versioned record's form keeps only its hidden version)
    assert set(page.context["adminform"].form.fields) <= {"expected_version"}
    for inline in page.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
    assert (posted.status_code, added.status_code, reverted.status_code) == (403, 403, 403)
    assert model._default_manager.filter(pk=obj.pk).values().get() == before


def test_inlines_of_work_records_add_and_change_nothing_on_any_page(rf, admin_user):
    """The rule holds on a configuration page too (the portal users on an authority's page):
    an inline of records of the mechanism's work adds and changes nothing, with no override of
    its own (protection/admin.py NoDeleteAdmin)."""
    request = rf.get("/")
    request.user = admin_user
    checked = set()
    for model in PROJECT_REGISTERED:
        for inline_class in admin.site._registry[model].inlines:
            inline = inline_class(model, admin.site)
            if is_configuration(inline.model):
                continue
            assert not inline.has_add_permission(request, None), inline_class
            assert not inline.has_change_permission(request, None), inline_class
            checked.add(inline.model._meta.label)
    assert "measures.AuthorityMember" in checked and "cases.ProtectionRequest" in checked


def test_configuration_names_registered_models_only():
    labels = {m._meta.label_lower for m in admin.site._registry}
    assert CONFIGURATION <= labels


def test_the_policy_gives_the_administrator_no_step_on_case_data(django_user_model):
    """Why the admin offers no state-changing action: no step of any map is the
    administrator's. If this fails, the step belongs in the admin as an action that calls the
    service under `machine.refusal(obj, step, user=request.user)`."""
    administrator = django_user_model(username="adm", role=Role.ADMINISTRATOR, is_active=True)
    steps = [
        (label, step.name)
        for label, machine in machines().items()
        for step in machine.steps.values()
        if step.policy is not None
        and (
            can(administrator, step.policy)
            if isinstance(step.policy, str)
            else step.policy(administrator, machine.model())
        )
    ]
    theirs = {action for action, roles in POLICY.items() if Role.ADMINISTRATOR in roles}

    assert steps == []
    # Reading under break-glass, the admin site itself, and the reset of a lost second factor
    # (a security page with its own reason and log): none changes case data.
    assert theirs == {
        "case.view",
        "admin.site",
        "security.break_glass",
        "security.two_factor_reset",
        "document.original",
    }


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_no_admin_offers_an_action(admin_client, rf, admin_user, model):
    """No bulk action anywhere: no "delete selected", and no state change past the pages."""
    request = rf.get("/")
    request.user = admin_user

    assert admin.site._registry[model].get_actions(request) == {}
    assert 'name="action"' not in admin_client.get(admin_url(model, "changelist")).content.decode()


def test_administrator_without_break_glass_sees_no_case_content(client, django_user_model, world):
    plain_admin = django_user_model.objects.create_superuser(
        "admin2", "admin2@example.org", "Contrasena-Admin-2026", role=Role.ADMINISTRATOR
    )
    client.force_login(plain_admin)
    case = one_of(Case, world)
    assert client.get(admin_url(Case, "change", case.pk)).status_code == 404
    listing = client.get(admin_url(Case, "changelist")).content.decode()
    assert case.file_number not in listing
    # configuration stays manageable
    assert client.get(admin_url(User, "changelist")).status_code == 200


def _forbidden(model):
    """What no admin form may offer as editable: a state and every stored clock, and the fields
    the steps record on a case, a granted measure and an appeal (closure, end, ruling)."""
    from protection.transitions import machine_for

    names = {
        f.name
        for f in model._meta.concrete_fields
        if f.name == "next_deadline_at" or f.name.endswith("due_at")
    }
    machine = machine_for(model)
    if machine is not None:
        names.add(machine.field)
    names |= {
        Case: {"closed_at", "closure_reason", "closure_notes", "urgent_issued_at"},
        GrantedMeasure: {"ended_at", "end_reason", "implemented_at", "notified_at"},
        Appeal: {"ruled_at", "ruling", "upheld", "consejo_ruling", "consejo_ruled_at"},
    }.get(model, set())
    return names


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_no_admin_form_edits_a_state_or_a_clock(admin_client, world, model):
    obj = one_of(model, world)
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    forms = [(model, response.context["adminform"].form)]
    for inline in response.context["inline_admin_formsets"]:
        forms.append((inline.formset.model, inline.formset.form(prefix="x")))
    for form_model, form in forms:
        editable = set(form.fields) & _forbidden(form_model)
        assert not editable, f"{form_model._meta.label}: editable {sorted(editable)}"


def test_a_record_with_a_map_cannot_be_reverted_through_its_history(admin_client, world):
    case = world[Case]
    version = case.history.order_by("history_id").first()
    url = reverse("admin:cases_case_simple_history", args=[case.pk, version.history_id])
    assert admin_client.post(url, {}).status_code == 403
