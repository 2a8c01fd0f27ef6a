"""Letters an official would sign: every kind of letter, rendered to PDF by the real pipeline,
read back with poppler's pdftotext/pdfinfo, follows a Mexican federal oficio (letterhead, number,
place and date, addressee with name and post, subject, legal basis, body, signer with name and
post, C.c.p.), fits on one page when it is short, and never strands its closing (signature,
verification code and QR) on a page of its own."""

import re
import subprocess
import tempfile
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from measures.board import services as bs
from measures.letters import rendering
from measures.letters import services as letter_services
from measures.models import Letter, RecipientKind, Resolution, WithdrawalGround
from protection import clocks
from protection.errors import PermissionDenied

from .. import factories as f
from .board_fixtures import board, confirmed_decision, grant_lines, item_for, mark_present, record

pytestmark = pytest.mark.django_db

LAW = "Ley para la Protección de Personas Defensoras de Derechos Humanos y Periodistas"
PUBLIC = "https://proteccion.gob.example"
SIGNER = "Mtra. Carmen Aguilar Ríos"
SIGNER_POST = "Titular de la Coordinación Ejecutiva Nacional del Mecanismo"
COPY_ALL = "Titular de la Unidad de Prevención, Seguimiento y Análisis.- Para su seguimiento"
COPY_OAXACA = "Titular de la Fiscalía General del Estado de Oaxaca.- Para su conocimiento"


@pytest.fixture(autouse=True)
def letter_settings(settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.LETTER_SIGNATORY_NAME = SIGNER
    settings.LETTER_SIGNATORY_POST = SIGNER_POST
    settings.LETTER_COPY_TO = [COPY_ALL]
    return settings


@pytest.fixture
def oaxaca(db):
    return f.AuthorityFactory(
        name="Secretaría de Seguridad Pública de Oaxaca",
        short_name="SSP Oaxaca",
        addressee_name="Mtra. Ana Sofía López Ruiz",
        addressee_post="Titular",
        name_article="la",
        copy_to=COPY_OAXACA,
    )


@pytest.fixture
def contractor(db):
    return f.AuthorityFactory(
        name="Monitoreo Integral, S.A. de C.V.",
        short_name="MISA",
        level="contractor",
        addressee_name="Ing. Rodrigo Aranda Lugo",
        addressee_post="Representante legal",
        name_article="",
        copy_to="",
    )


def rendered(letter):
    """(text of each page, page count) of the letter's stored PDF, as poppler reads it."""
    assert rendering.letter_render_claimed(letter.pk) == "generated"
    letter.refresh_from_db()
    with letter.file.open("rb") as stored, tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
        copy.write(stored.read())
        copy.flush()
        info = _run("pdfinfo", copy.name)
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
        texts = [
            _run("pdftotext", "-f", str(n), "-l", str(n), copy.name, "-")
            for n in range(1, pages + 1)
        ]
    return texts, pages


def _run(*command):
    # poppler-utils with fixed arguments and a path the test itself stored.
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


def flat(text):
    return " ".join(text.split())


def assert_oficio(letter, text, *, name, post):
    """The parts of a Mexican federal oficio, in their order."""
    decision = letter.decision
    with translation.override(settings.LANGUAGE_CODE):  # letters are written in Spanish
        issued = rendering._local_date(letter.generated_at)
    parts = [
        "SECRETARÍA DE GOBERNACIÓN",
        "Mecanismo para la Protección de Personas Defensoras de Derechos Humanos y Periodistas",
        "Coordinación Ejecutiva Nacional",
        f"Oficio núm. {letter.number}",
        f"Expediente: {decision.case.file_number}",
        f"Asunto: Notificación del acuerdo {decision.number}",
        f"Ciudad de México, a {issued}",
        name.upper(),
        post,
        "PRESENTE",
        "Con fundamento en los artículos 8, 29 y 33 de la " + LAW + ", hago de su conocimiento",
        f"adoptó el acuerdo {decision.number}",
        "Sin otro particular, reciba un cordial saludo.",
        "ATENTAMENTE",
        SIGNER.upper(),
        SIGNER_POST,
        "C.c.p.",
        COPY_ALL,
        f"Expediente {decision.case.file_number}",
        f"Código de verificación: {letter.verification_code}",
        f"{PUBLIC}/verificar/{letter.verification_code}/",
    ]
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"missing or out of order: {part!r}\n---\n{text}"
        position = found + len(part)
    assert re.fullmatch(r"\d{1,2} de [a-záéíóú]+ de \d{4}", issued)
    # The errors the review found never come back.
    assert "Periodistas." + "," not in text and "Periodistas.," not in text
    assert "en Artículos" not in text and "en Arts." not in text
    assert "127.0.0.1" not in text and ":8000" not in text


def test_every_kind_of_letter_is_a_one_page_oficio(
    reception, analyst, analyst2, coordinator, oaxaca, contractor
):
    decision = confirmed_decision(coordinator, reception, analyst, analyst2, [oaxaca, contractor])
    letters = {
        (ln.recipient_kind, ln.recipient_authority_id): ln
        for ln in Letter.objects.filter(decision=decision)
    }
    assert len(letters) == 3
    beneficiary = letters[(RecipientKind.BENEFICIARY, None)]
    person = beneficiary.recipient_party.person

    text_pages, pages = rendered(beneficiary)
    text = flat(text_pages[0])
    assert pages == 1
    assert_oficio(
        beneficiary,
        text,
        name=f"C. {person.full_name}",
        post="Persona beneficiaria del Mecanismo",
    )
    assert "puede presentar un recurso de inconformidad" in text

    text_pages, pages = rendered(letters[(RecipientKind.AUTHORITY, oaxaca.pk)])
    text = flat(text_pages[0])
    assert pages == 1
    assert_oficio(
        letters[(RecipientKind.AUTHORITY, oaxaca.pk)],
        text,
        name="Mtra. Ana Sofía López Ruiz",
        post="Titular de la Secretaría de Seguridad Pública de Oaxaca",
    )
    assert COPY_OAXACA in text  # the authority's own copy
    assert "Le solicito informar" in text

    contractor_letter = letters[(RecipientKind.AUTHORITY, contractor.pk)]
    text_pages, pages = rendered(contractor_letter)
    text = flat(text_pages[0])
    assert pages == 1
    assert_oficio(
        contractor_letter,
        text,
        name="Ing. Rodrigo Aranda Lugo",
        post="Representante legal de Monitoreo Integral, S.A. de C.V.",
    )
    assert COPY_OAXACA not in text  # copies of one authority stay on its own letters

    # A new version of a letter (a lost original) is the same oficio, saying what it replaces.
    reissued = letter_services.letter_reissue(
        actor=coordinator,
        letter=contractor_letter,
        reason="El original se extravió en mensajería.",
    )
    text_pages, pages = rendered(reissued)
    text = flat(text_pages[0])
    assert pages == 1
    assert_oficio(
        reissued,
        text,
        name="Ing. Rodrigo Aranda Lugo",
        post="Representante legal de Monitoreo Integral, S.A. de C.V.",
    )
    assert f"Esta versión sustituye al oficio {contractor_letter.number}" in text


def test_a_withdrawal_letter_without_lines_is_a_one_page_oficio(
    reception, analyst, analyst2, coordinator, oaxaca
):
    first = confirmed_decision(coordinator, reception, analyst, analyst2, [oaxaca])
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, first.case)
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    decision = record(
        coordinator,
        first.case,
        item,
        [],
        resolution=Resolution.WITHDRAW,
        withdrawal_ground=WithdrawalGround.PROFIT,
    )
    decision = bs.decision_confirm(actor=coordinator, decision=decision)
    for letter in Letter.objects.filter(decision=decision).order_by("pk"):
        text_pages, pages = rendered(letter)
        text = flat(text_pages[0])
        assert pages == 1
        assert "Concluye: Botón de pánico" in text
        if letter.recipient_kind == RecipientKind.AUTHORITY:
            assert_oficio(
                letter,
                text,
                name="Mtra. Ana Sofía López Ruiz",
                post="Titular de la Secretaría de Seguridad Pública de Oaxaca",
            )


def test_a_long_letter_keeps_its_closing_with_the_body(
    reception, analyst, analyst2, coordinator, oaxaca
):
    """A decision with many measures runs to a second page: the signature, the verification
    code and QR and the copies travel together, and never without some of the body."""
    codes = [
        "panic_button",
        "cameras",
        "patrols",
        "locks",
        "lighting",
        "alarms",
        "mobile_phone",
        "satellite_phone",
        "bulletproof_vest",
        "instruction_sheets",
    ]
    from .board_fixtures import awaiting_board_case

    case = awaiting_board_case(reception, analyst, analyst2)
    lines = []
    for code in codes:
        lines += grant_lines(
            case,
            oaxaca,
            code=code,
            details="Instalación y mantenimiento a cargo de la autoridad, con revisión mensual.",
        )
    decision = confirmed_decision(
        coordinator, reception, analyst, analyst2, [oaxaca], lines=lines, case=case
    )
    letter = Letter.objects.get(decision=decision, recipient_authority=oaxaca)
    text_pages, pages = rendered(letter)
    assert pages >= 2
    assert_oficio(
        letter,
        flat(" ".join(text_pages)),
        name="Mtra. Ana Sofía López Ruiz",
        post="Titular de la Secretaría de Seguridad Pública de Oaxaca",
    )
    closing = [
        i for i, t in enumerate(text_pages) if letter.verification_code in flat(t)
    ]  # the code is printed under the QR and in the verification line
    assert closing == [pages - 1]
    last = flat(text_pages[-1])
    for part in ("ATENTAMENTE", SIGNER.upper(), "C.c.p.", "Sin otro particular"):
        assert part in last
    # Some of the body comes with it: the last page is not the closing alone.
    body_on_last_page = last.split("Sin otro particular")[0]
    assert len(body_on_last_page.split()) > 20, last
    for earlier in text_pages[:-1]:
        assert "ATENTAMENTE" not in earlier


# ---------------------------------------------------------------------------------------------
# The sentences the letter builds from what the decision recorded


@pytest.mark.parametrize(
    ("recorded", "printed"),
    [
        ("Arts. 8, 29 y 33 de la Ley", f"los artículos 8, 29 y 33 de la {LAW}"),
        (
            f"Artículos 8, fracción I; 24, 27, 29 y 33 a 35 de la {LAW}.",
            f"los artículos 8, fracción I; 24, 27, 29 y 33 a 35 de la {LAW}",
        ),
        (
            f"Artículos 21, fracción III, 38 y 39 de la {LAW}.",
            f"los artículos 21, fracción III, 38 y 39 de la {LAW}",
        ),
        ("Art. 29", f"el artículo 29 de la {LAW}"),
        ("Art. 21-III y 39", f"los artículos 21-III y 39 de la {LAW}"),
        ("artículo 37.", f"el artículo 37 de la {LAW}"),
        ("Con fundamento en el artículo 58 de la Ley.", f"el artículo 58 de la {LAW}"),
        (
            "Artículos 29 de la Ley y 11 del Reglamento de la Ley.",
            f"el artículo 29 de la {LAW} y 11 del Reglamento de la {LAW}",
        ),
        ("Ley", f"la {LAW}"),
    ],
)
def test_legal_basis_reads_after_con_fundamento_en(recorded, printed):
    assert rendering.legal_basis_phrase(recorded) == printed


def test_addressee_post_takes_the_authority_name_with_its_article(db):
    cases = [
        ("Secretaría de Seguridad Pública de Oaxaca", "la", "Titular", "Titular de la Secretaría"),
        ("Instituto Estatal de Protección", "el", "Titular", "Titular del Instituto Estatal"),
        (
            "Alarmas del Norte, S.A. de C.V.",
            "",
            "Representante legal",
            "Representante legal de Alarmas",
        ),
        ("Guardia Nacional", "la", "Comandante de la Guardia Nacional", "Comandante de la G"),
    ]
    for name, article, post, expected in cases:
        authority = f.AuthorityFactory.build(
            name=name, name_article=article, addressee_post=post, addressee_name="Lic. Uno"
        )
        person, printed = rendering.authority_addressee(authority)
        assert person == "Lic. Uno" and printed.startswith(expected), printed
        assert printed.count(name) == 1


def test_issued_date_is_written_the_mexican_way():
    issued = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)
    with translation.override(settings.LANGUAGE_CODE):
        assert rendering._local_date(issued) == "5 de diciembre de 2026"
    assert clocks.mechanism_zone().key == "America/Mexico_City"


# ---------------------------------------------------------------------------------------------
# The Coordination keeps each authority's addressee


def test_coordination_edits_an_authority_addressee(client, coordinator, oaxaca):
    from django.urls import reverse

    client.force_login(coordinator)
    listing = client.get(reverse("measures:authority_addressees")).content.decode()
    assert "Mtra. Ana Sofía López Ruiz" in listing
    assert "Titular de la Secretaría de Seguridad Pública de Oaxaca" in listing
    url = reverse("measures:authority_addressee_edit", args=[oaxaca.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="addressee-preview"' in page and "PRESENTE" in page
    response = client.post(
        url,
        {
            "addressee_name": "  Lic.  Julio César Ramos Ortiz ",
            "addressee_post": "Secretario",
            "name_article": "la",
            "copy_to": "\nTitular de la Fiscalía General del Estado.- Para su conocimiento\n\n",
            "version": oaxaca.version,
        },
    )
    assert response.status_code == 302
    oaxaca.refresh_from_db()
    assert rendering.authority_addressee(oaxaca) == (
        "Lic. Julio César Ramos Ortiz",
        "Secretario de la Secretaría de Seguridad Pública de Oaxaca",
    )
    assert oaxaca.copy_to == "Titular de la Fiscalía General del Estado.- Para su conocimiento"
    latest = oaxaca.history.first()
    assert latest.history_user == coordinator
    assert latest.history_change_reason == "Destinatario de oficios actualizado"


def test_addressee_edit_refuses_bad_input_and_stale_copies(client, coordinator, oaxaca):
    from django.urls import reverse

    client.force_login(coordinator)
    url = reverse("measures:authority_addressee_edit", args=[oaxaca.pk])
    opened = oaxaca.version
    data = {"addressee_name": " ", "addressee_post": "Titular", "name_article": "la"}
    page = client.post(url, {**data, "version": opened}).content.decode()
    assert "Este campo es obligatorio" in page or "Escriba el nombre" in page
    oaxaca.refresh_from_db()
    assert oaxaca.addressee_name == "Mtra. Ana Sofía López Ruiz" and oaxaca.version == opened
    # Someone else saves first; the copy opened before is refused and shows what changed.
    letter_services.authority_addressee_update(
        actor=coordinator,
        authority=oaxaca,
        expected_version=opened,
        addressee_name="Mtro. Otro Titular",
        addressee_post="Titular",
        name_article="la",
        copy_to="",
    )
    page = client.post(
        url, {**data, "addressee_name": "Lic. Tarde", "version": opened}
    ).content.decode()
    assert "Otra persona modificó este registro" in page and "Mtro. Otro Titular" in page
    oaxaca.refresh_from_db()
    assert oaxaca.addressee_name == "Mtro. Otro Titular"


def test_addressee_pages_are_the_coordinations(client, follow_up, coordinator, oaxaca):
    from django.urls import reverse

    urls = [
        reverse("measures:authority_addressees"),
        reverse("measures:authority_addressee_edit", args=[oaxaca.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(follow_up)
    for url in urls:
        assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        letter_services.authority_addressee_update(
            actor=follow_up,
            authority=oaxaca,
            expected_version=oaxaca.version,
            addressee_name="X",
            addressee_post="",
            name_article="",
            copy_to="",
        )
    client.force_login(coordinator)
    missing = reverse("measures:authority_addressee_edit", args=[987654])
    assert client.get(missing).status_code == 404


# --------------------------------------------------------------------------------------------
# Copies (C.c.p.) that name people


def test_copies_name_each_copied_head_with_name_and_post(
    client, reception, analyst, analyst2, coordinator, oaxaca, contractor
):
    """The Coordination chooses, on an authority's addressee page, the other authorities whose
    heads its letters copy; the letter names each by the name and post recorded for them, and a
    subcontractor's letters copy its contractor's head."""
    fiscalia = f.AuthorityFactory(
        name="Fiscalía General del Estado de Oaxaca",
        addressee_name="Lic. Bernardo Quiroz Salinas",
        addressee_post="Fiscal General",
        name_article="la",
        copy_to="",
    )
    subcontractor = f.AuthorityFactory(
        name="Instalaciones Seguras del Sur, S.A. de C.V.",
        level="contractor",
        subcontractor_of=contractor,
        addressee_name="Arq. Pilar Vela Núñez",
        addressee_post="Administradora única",
        copy_to="",
    )
    client.force_login(coordinator)
    url = reverse("measures:authority_addressee_edit", args=[oaxaca.pk])
    page = client.get(url).content.decode()
    assert "Fiscalía General del Estado de Oaxaca" in page  # offered as a copy
    response = client.post(
        url,
        {
            "addressee_name": oaxaca.addressee_name,
            "addressee_post": oaxaca.addressee_post,
            "name_article": oaxaca.name_article,
            "copy_to": "",
            "copy_authorities": [fiscalia.pk],
            "version": oaxaca.version,
        },
    )
    assert response.status_code == 302
    listing = client.get(reverse("measures:authority_addressees")).content.decode()
    named = (
        "Lic. Bernardo Quiroz Salinas, Fiscal General de la Fiscalía General del Estado de "
        "Oaxaca.- Para su conocimiento"
    )
    assert named in listing
    assert "con copia para: Fiscalía General del Estado de Oaxaca" in str(
        oaxaca.history.latest().history_change_reason
    )

    decision = confirmed_decision(
        coordinator, reception, analyst, analyst2, [oaxaca, subcontractor]
    )
    letters = {ln.recipient_authority_id: ln for ln in Letter.objects.filter(decision=decision)}
    text_pages, pages = rendered(letters[oaxaca.pk])
    text = flat(text_pages[0])
    assert pages == 1
    copies = text[text.index("C.c.p.") :]
    assert copies.index(COPY_ALL) < copies.index(named)
    assert COPY_OAXACA not in copies  # the free line was cleared in the same edit

    text_pages, pages = rendered(letters[subcontractor.pk])
    copies = flat(text_pages[0])[flat(text_pages[0]).index("C.c.p.") :]
    assert (
        "Ing. Rodrigo Aranda Lugo, Representante legal de Monitoreo Integral, S.A. de C.V.- "
        "Para su conocimiento" in copies
    )
    assert named not in copies
