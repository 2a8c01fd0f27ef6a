"""Need-to-know, cell by cell: every row (reader) × column (kind of record) of
protection.access.NEED_TO_KNOW, through real requests to the pages.

One world of cases, built with the real services, where each case is in a known set of reaches
for each reader (WORLD_REACH below). For each cell, the test derives from the matrix which cases
the reader must see, asks the pages, and checks the status code and whether the record's
content is in the HTML. The matrix itself is pinned by DECLARED: changing who sees what means
changing both, on purpose.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import ConsentPurpose
from measures import services as ms
from measures.board import services as bs
from measures.models import AuthorityMember
from protection import access, redaction
from protection.models import Role
from protection.security.services import break_glass_start
from risk import services as risk_services
from risk.models import RiskStudy

from .. import factories as f
from .. import workflows as wf
from ..measures.board_fixtures import (
    SECRET_PHONE,
    awaiting_board_case,
    board,
    grant_lines,
    item_for,
    mark_present,
    record,
)

pytestmark = pytest.mark.django_db

A, H, G, C, B, OWN, N = (
    access.ALL,
    access.HANDLED,
    access.AGENDA,
    access.CONSENTED,
    access.BREAK_GLASS,
    access.OWN_AUTHORITY,
    access.NONE,
)
HEADER, FILE, CONTACT, STUDY, MEASURE, LOG = (
    access.CASE_HEADER,
    access.CASE_FILE,
    access.CONTACT_DETAILS,
    access.RISK_STUDY,
    access.GRANTED_MEASURE,
    access.CONTACT_LOG,
)

# The policy, restated: reader -> (header, file, contact details, risk study, granted measure,
# contact and emergency log).
DECLARED = {
    "reception": (A, H, H, N, H, A),
    "analyst": (H, H, H, H, H, H),
    "follow_up": (H, H, H, H, H, H),
    "coordinator": (A, A, A, A, A, A),
    "board_government": (G, G, N, G, G, N),
    "board_civil": (G, G, N, G, G, N),
    "consultant_risk": (C, C, N, C, C, N),
    "authority": (OWN, N, OWN, N, OWN, N),
    "administrator": (B, B, N, B, B, B),
}
COLUMNS = (HEADER, FILE, CONTACT, STUDY, MEASURE, LOG)

FACTS = "Recibió amenazas de muerte por su defensa del territorio."  # tests/workflows.register
STUDY_TEXT = "Conflicto agrario con un grupo armado en la región."  # workflows.finish_study


def test_the_matrix_is_the_declared_policy():
    assert set(access.NEED_TO_KNOW) == {r.key for r in access.READERS} == set(DECLARED)
    for key, reaches in DECLARED.items():
        row = access.NEED_TO_KNOW[key]
        assert set(row) == set(access.RECORDS), key
        assert tuple(row[c][0] for c in COLUMNS) == reaches, key
        for column in COLUMNS:
            reach, reason = row[column]
            assert reach in access.REACHES and len(reason) > 20, (key, column)
    # every role has a row; consent purposes named by the rows are real purposes
    assert {r.role for r in access.READERS} == set(Role)
    purposes = {r.consent_purpose for r in access.READERS if r.consent_purpose}
    assert purposes <= set(ConsentPurpose.values)
    # contact details follow the matrix: staff only, as before
    assert redaction.SEES_CONTACT_DETAILS == access.STAFF_ROLES


@pytest.fixture
def world(reception, analyst, analyst2, follow_up, coordinator, authority):
    """Three cases: one just received (the reception unit's stage), one urgent case admitted
    to risk evaluation with its urgent measures issued and a study under way (the urgent track
    is still reception's), and one decided by the Board and followed by UPSA, with an approved
    study, a granted measure, a Board session whose papers were sent, consents naming an outside
    analyst, and an administrator's break-glass access."""
    users = {
        "reception": reception,
        "analyst": analyst,
        "follow_up": follow_up,
        "coordinator": coordinator,
        "board_government": f.UserFactory(username="ntk_gob", role=Role.BOARD_GOVERNMENT),
        "board_civil": f.UserFactory(username="ntk_civil", role=Role.BOARD_CIVIL),
        "consultant_risk": f.UserFactory(username="ntk_analisis", role=Role.CONSULTANT),
        "authority": f.UserFactory(username="ntk_autoridad", role=Role.AUTHORITY),
        "administrator": f.UserFactory(
            username="ntk_admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
        ),
    }
    received = wf.register(reception, person=f.PersonFactory.build(phone="+52 951 000 1111"))

    urgent = wf.register(reception, urgent=True, person=f.PersonFactory.build())
    ms.urgent_measures_issue(
        actor=reception,
        case=urgent,
        measures=[
            {
                "measure_type": f.measure_type("panic_button"),
                "covered": f.beneficiary_of(urgent),
                "authority": authority,
            }
        ],
    )
    wf.admit(reception, urgent)
    risk_services.risk_study_open(actor=analyst, case=urgent, analyst=analyst)

    followed = awaiting_board_case(reception, analyst, analyst2)
    session, members = board(
        coordinator, users={1: users["board_government"], 5: users["board_civil"]}
    )
    item = item_for(coordinator, session, followed)
    bs.session_papers_generate(actor=coordinator, session=session)
    bs.session_papers_send(actor=coordinator, session=session)
    mark_present(coordinator, session, members)
    decision = record(coordinator, followed, item, grant_lines(followed, authority))
    bs.decision_confirm(actor=coordinator, decision=decision)
    case_services.case_follow_up_assign(actor=coordinator, case=followed, officer=follow_up)
    case_services.consent_record(
        actor=coordinator,
        case=followed,
        purpose=ConsentPurpose.THIRD_PARTY,
        third_party_user=users["consultant_risk"],
        evidence="Escrito firmado por la beneficiaria.",
    )
    break_glass_start(
        actor=users["administrator"],
        cases=[(followed.pk, followed.file_number)],
        reason="Orden judicial 45/2026 pide copia certificada del expediente.",
    )
    AuthorityMember.objects.create(
        user=users["authority"],
        authority=authority,
        invited_by=coordinator,
        invited_at=timezone.now(),
    )
    cases = {"received": received, "urgent": urgent, "followed": followed}
    for case in cases.values():
        case.refresh_from_db()
    return {"users": users, "cases": cases, "item": item}


# Which reaches each case of the world is in, per reader (ALL is every case, NONE none).
WORLD_REACH = {
    "received": {H: {"reception"}},
    "urgent": {H: {"reception", "analyst"}, OWN: {"authority"}},
    "followed": {
        H: {"analyst", "follow_up"},  # the analyst wrote its study
        G: {"board_government", "board_civil"},
        C: {"consultant_risk"},
        B: {"administrator"},
        OWN: {"authority"},  # its measure was granted to the authority
    },
}


def expected(reader, column, case_key, *, portal=False):
    """Whether the cell opens this case's record: on the mechanism's pages, or (portal=True)
    on the implementing-authority portal, the only place the OWN_AUTHORITY reach opens."""
    reach = access.NEED_TO_KNOW[reader][column][0]
    if reach == A:
        return not portal
    if reach == N or (reach == OWN) != portal:
        return False
    return reader in WORLD_REACH[case_key].get(reach, set())


def want_status(user, view_name, visible):
    """A page the role may not open: 403 (a portal-only role: 404, nothing tells it the page
    exists); a record outside the cell's reach: 404."""
    if access.view_allowed(user, view_name) is not True:
        return 404 if user.role in access.PORTAL_ONLY_ROLES else 403
    return 200 if visible else 404


def _get(client, name, pk):
    return client.get(reverse(name, args=[pk]))


@pytest.mark.parametrize("reader", list(DECLARED))
def test_every_cell_through_the_pages(client, world, reader):
    user = world["users"][reader]
    client.force_login(user)
    problems = []
    listing = client.get(reverse("cases:list"))
    listing = listing.content.decode() if listing.status_code == 200 else ""
    for key, case in world["cases"].items():
        cell = {column: expected(reader, column, key) for column in COLUMNS}

        # Header: the row in the case list (search), file number and beneficiary's name.
        name = str(f.beneficiary_of(case).party)
        in_list = case.file_number in listing and name in listing
        if in_list != cell[HEADER]:
            problems.append(f"{key}: header listed={in_list}")

        # File: the case page and its timeline (200 with the narrated facts), else 404.
        page = _get(client, "cases:detail", case.pk)
        timeline = _get(client, "cases:timeline", case.pk)
        want = want_status(user, "cases:detail", cell[FILE])
        if page.status_code != want or timeline.status_code != want:
            problems.append(f"{key}: file {page.status_code}/{timeline.status_code}, want {want}")
        body = page.content.decode() if page.status_code == 200 else ""
        if cell[FILE] and FACTS not in body:
            problems.append(f"{key}: file page without the facts")
        if (
            in_list
            and not cell[FILE]
            and f'href="{reverse("cases:detail", args=[case.pk])}"' in (listing)
        ):
            problems.append(f"{key}: header row links to a file the reader may not open")

        # Contact details: on the case page, shown or not rendered at all.
        phone = f.beneficiary_of(case).person.phone
        if cell[FILE]:
            if (phone in body) != cell[CONTACT]:
                problems.append(f"{key}: phone shown={phone in body}")

        # Risk study: its page (the study text) and its place on the case page.
        study = RiskStudy.objects.filter(case=case).order_by("-pk").first()
        if study is not None:
            response = _get(client, "risk:study_detail", study.pk)
            want = want_status(user, "risk:study_detail", cell[STUDY])
            if response.status_code != want:
                problems.append(f"{key}: study page {response.status_code}, want {want}")
            if (
                want == 200
                and study.narrative_context
                and STUDY_TEXT not in response.content.decode()
            ):
                problems.append(f"{key}: study page without its text")
            if cell[FILE]:
                listed = "Estudios de evaluación de riesgo" in body
                if listed != cell[STUDY]:
                    problems.append(f"{key}: study section on the case page={listed}")
                linked = reverse("risk:study_detail", args=[study.pk]) in body
                if linked and not cell[STUDY]:
                    problems.append(f"{key}: case page links the study")

        # Contact and emergency log: its page, with the case header only where the file is
        # not the reader's (no link to the file, no risk level).
        response = _get(client, "cases:contacts", case.pk)
        want = want_status(user, "cases:contacts", cell[LOG])
        if response.status_code != want:
            problems.append(f"{key}: contact log {response.status_code}, want {want}")
        if want == 200 and not cell[FILE]:
            log = response.content.decode()
            if f'href="{reverse("cases:detail", args=[case.pk])}"' in log:
                problems.append(f"{key}: contact log links to a file the reader may not open")
            if "Riesgo vigente" in log:
                problems.append(f"{key}: contact log shows the risk level")

        # Granted measure: its page.
        measure = case.granted_measures.order_by("pk").first()
        if measure is not None:
            response = _get(client, "measures:measure_detail", measure.pk)
            want = want_status(user, "measures:measure_detail", cell[MEASURE])
            if response.status_code != want:
                problems.append(f"{key}: measure page {response.status_code}, want {want}")

            # The implementing-authority portal: its own measures, with the covered person
            # (header), never the facts; contact details only with the
            # beneficiary's consent for the authority (none recorded here).
            portal = {c: expected(reader, c, key, portal=True) for c in COLUMNS}
            response = _get(client, "authority:measure", measure.pk)
            want = want_status(user, "authority:measure", portal[MEASURE])
            if response.status_code != want:
                problems.append(f"{key}: portal measure {response.status_code}, want {want}")
            if want == 200:
                text = response.content.decode()
                if portal[HEADER] != (name in text):
                    problems.append(f"{key}: portal names the covered person={name in text}")
                if FACTS in text or STUDY_TEXT in text or phone in text:
                    problems.append(f"{key}: portal shows file, study or contact details")

    # The Board reads the agenda case in its papers: study and measures yes, contacts no.
    if reader in ("board_government", "board_civil"):
        response = _get(client, "measures:board_portal_item", world["item"].pk)
        assert response.status_code == 200
        dossier = response.content.decode()
        assert world["cases"]["followed"].file_number in dossier and STUDY_TEXT in dossier
        assert SECRET_PHONE not in dossier
    assert problems == [], f"{reader}: {problems}"


def test_reception_list_shows_headers_only(client, world):
    """The search across every case shows header fields: no risk level column or filter, no
    profile or gender filter, a note instead of a link where the file is another unit's."""
    client.force_login(world["users"]["reception"])
    body = client.get(reverse("cases:list")).content.decode()
    assert "Nivel de riesgo" not in body and 'name="risk_level"' not in body
    assert 'name="gender"' not in body and 'name="profile"' not in body
    assert "Sólo datos de identificación" in body
    followed = world["cases"]["followed"]
    assert followed.file_number in body
    # a search by name finds the other unit's case (duplicate detection) ...
    name = f.beneficiary_of(followed).person.family_names
    found = client.get(reverse("cases:list"), {"q": name}).content.decode()
    assert followed.file_number in found
    # ... but filtering by a risk level is not offered (it would tell the level)
    client.force_login(world["users"]["coordinator"])
    assert 'name="risk_level"' in client.get(reverse("cases:list")).content.decode()


def test_readme_shows_the_matrix_of_the_code():
    """The README's matrix is generated from protection.access (scripts/need_to_know_table.py):
    a change to the code without regenerating it, or an edit by hand, fails here."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    begin = readme.index("<!-- need-to-know:begin")
    start = readme.index("-->", begin) + len("-->")
    end = readme.index("<!-- need-to-know:end -->")
    assert readme[start:end].strip() == access.need_to_know_markdown().strip()
