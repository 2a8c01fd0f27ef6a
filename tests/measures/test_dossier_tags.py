"""The Board dossier's rows written in Python (measures/templatetags/dossier_tags.py) are the HTML
the former template (former_dossier.html, _dossier.html before the rows moved) wrote, byte for
byte, escaping included, in both languages; and the dossier's rows read as plain values
(measures.board.selectors) say what the records say."""

from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cases import services as case_services
from cases.models import Aggression, CasePerson
from measures.board import selectors as sel
from measures.models import AgendaItem, Decision, DecisionStatus
from protection.redaction import REDACTED, measure_details_for, redact_for
from risk.models import ProposedMeasure

from .. import factories as f
from .test_board_portal import civil_member, decided_before, session_with_papers  # noqa: F401

FORMER = (Path(__file__).resolve().parent / "former_dossier.html").read_text(encoding="utf-8")
HOSTILE = '<b>O\'Neil</b> & "Co"'


def _former(dossier):
    return engines["django"].from_string(FORMER).render({"dossier": dossier})


def _now(dossier):
    return render_to_string("board/_dossier.html", {"dossier": dossier})


def _party(name, **extra):
    row = {
        "name": name,
        "role": "Beneficiaria",
        "relationship": "",
        "gender": "",
        "profile": "",
        "work": "",
        "organisation": "",
        "indigenous": False,
        "ethnic_identity": "",
        "languages": "",
        "place": "",
        "rural": False,
        "phone": "",
        "email": "",
        "address": "",
        "safe_contact": "",
    }
    row.update(extra)
    return row


def _measure(state, **extra):
    row = {
        "measure": "Botón de asistencia",
        "covered": HOSTILE,
        "authority": "Policía <estatal>",
        "details": "",
        "due": datetime(2025, 3, 1, 5, 30, tzinfo=UTC),
        "implemented": None,
        "ended": None,
        "state": state,
        "state_label": sel.IMPLEMENTATION_LABELS[state],
    }
    row.update(extra)
    return row


def _full_dossier():
    """A dossier with every row kind, empty and full values, and text that must be escaped."""
    level = SimpleNamespace(name="Extraordinario", rank=3)
    return {
        "item": SimpleNamespace(
            pk=7, position=2, reason="Nuevo <estudio>", get_kind_display=lambda: "Revaluación"
        ),
        "case": SimpleNamespace(
            file_number="MPP/2025/0007",
            get_status_display=lambda: "Seguimiento",
            get_procedure_display=lambda: "Ordinario",
            opened_at=datetime(2025, 1, 2, 3, 0, tzinfo=UTC),
            current_risk_level=level,
            summary="Línea 1\nLínea <2>",
        ),
        "parties": [
            _party(
                HOSTILE,
                relationship="Hija <menor>",
                gender="Mujer",
                profile="Periodista",
                work="Prensa & radio",
                organisation="Medio <libre>",
                indigenous=True,
                ethnic_identity="Zapoteca",
                languages="zapoteco, español",
                place="Juchitán, Oaxaca",
                rural=True,
                phone="+52 55 <1234>",
                email="a&b@example.org",
                address="Calle 5",
                safe_contact="Sólo por Signal",
            ),
            _party("Sin datos", indigenous=True),
            _party(
                "Colectivo",
                phone=REDACTED,
                email=REDACTED,
                address=REDACTED,
                safe_contact=REDACTED,
            ),
        ],
        "study": SimpleNamespace(
            resulting_level=level,
            approved_at=datetime(2025, 2, 3, 4, 0, tzinfo=UTC),
            get_kind_display=lambda: "Revaluación",
            level_justification="Razones <x>",
            narrative_context="Contexto\nsegunda línea",
            differential_considerations="",
            person_own_view="Su voz & la nuestra",
            proposed_measures_notes="Notas <y>",
        ),
        "score": SimpleNamespace(
            summary="Resumen <puntaje>",
            lines=[SimpleNamespace(sentence="Factor <1>: 3 de 4"), SimpleNamespace(sentence="F2")],
        ),
        "proposed": [
            {"measure": "Rondines", "covered": HOSTILE, "duration": 1, "context": "Costo <0>"},
            {"measure": "Cerraduras & más", "covered": "", "duration": 12, "context": ""},
        ],
        "external": [
            SimpleNamespace(
                get_body_display=lambda: "CIDH: medidas cautelares",
                body_detail="Sala <1>",
                reference="MC-1 & 2",
                granted_on=date(2024, 5, 6),
                risk_level_found=level,
                risk_level_text="",
                active=True,
            ),
            SimpleNamespace(
                get_body_display=lambda: "CNDH",
                body_detail="",
                reference="Q/1",
                granted_on=date(2023, 1, 2),
                risk_level_found=None,
                risk_level_text="Alto <texto>",
                active=False,
            ),
            SimpleNamespace(
                get_body_display=lambda: "Otra",
                body_detail="",
                reference="",
                granted_on=date(2023, 1, 2),
                risk_level_found=SimpleNamespace(name=""),
                risk_level_text="",
                active=True,
            ),
        ],
        "contradictions": [],
        "level": level,
        "decisions": [
            {
                "decision": SimpleNamespace(
                    number="JG/ACU/2025/0001",
                    get_resolution_display=lambda: "Otorgar medidas",
                    confirmed_at=datetime(2025, 1, 15, 2, 0, tzinfo=UTC),
                    confirmed_risk_level=level,
                ),
                "measures": [
                    _measure("late", implemented=datetime(2025, 3, 9, 1, 0, tzinfo=UTC)),
                    _measure("never", details="Casa <segura> & calle"),
                    _measure("pending", details=REDACTED),
                    _measure("on_time", implemented=datetime(2025, 2, 1, tzinfo=UTC)),
                ],
            },
            {
                "decision": SimpleNamespace(
                    number="JG/ACU/2025/<2>",
                    get_resolution_display=lambda: "Retirar medidas",
                    confirmed_at=datetime(2025, 4, 1, tzinfo=UTC),
                    confirmed_risk_level=None,
                ),
                "measures": [],
            },
        ],
        "aggressions": [
            {
                "date": date(2025, 5, 1),
                "types": "Amenaza, Hostigamiento",
                "aggressor": "Delincuencia <organizada>",
                "where": "Juchitán, Oaxaca",
                "place": "Frente a la casa",
                "reported_to": "Fiscalía",
                "investigation": "Abierta",
                "description": "Mensaje & llamada",
            },
            {
                "date": date(2025, 5, 2),
                "types": "",
                "aggressor": "",
                "where": "",
                "place": "",
                "reported_to": "",
                "investigation": "",
                "description": "",
            },
        ],
        "documents": [
            SimpleNamespace(
                pk=41,
                category="Peritaje <médico>",
                original_name="a&b.pdf",
                description="x" * 150 + " <y> & más texto para pasar de ciento sesenta",
            ),
            SimpleNamespace(pk=42, category="Acta", original_name="acta.pdf", description=""),
        ],
        "observations": [
            SimpleNamespace(
                member=SimpleNamespace(
                    name="Consejera <A>", get_seat_display=lambda: "Consejo Consultivo"
                ),
                recorded_at=datetime(2025, 6, 1, 17, 45, tzinfo=UTC),
                text="Primera línea\nSegunda <línea> & fin",
            )
        ],
    }


def _empty_dossier():
    dossier = _full_dossier()
    dossier.update(
        parties=[],
        study=None,
        score=None,
        proposed=[],
        external=[],
        decisions=[],
        aggressions=[],
        documents=[],
        observations=[],
    )
    return dossier


def _no_proposals():
    dossier = _full_dossier()
    dossier["proposed"] = []
    dossier["score"] = SimpleNamespace(summary="", lines=[])
    return dossier


@pytest.mark.parametrize("language", ["es-mx", "en"])
@pytest.mark.parametrize("make", [_full_dossier, _empty_dossier, _no_proposals])
def test_rows_are_the_former_template_html(language, make):
    dossier = make()
    with translation.override(language):
        former = _former(dossier)
        assert _now(dossier) == former
    assert "&lt;b&gt;O&#x27;Neil&lt;/b&gt; &amp; &quot;Co&quot;" in _former(_full_dossier())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_real_dossier_renders_as_before_for_every_reader(
    language,
    coordinator,
    civil_member,  # noqa: F811
    decided_before,  # noqa: F811
):
    _session, _members, item = session_with_papers(coordinator, decided_before, {5: civil_member})
    item = AgendaItem.objects.select_related("case__current_risk_level").get(pk=item.pk)
    for viewer in (civil_member, coordinator, None):
        with translation.override(language):
            dossier = sel.dossier(item, viewer=viewer)
            assert dossier["decisions"] and dossier["aggressions"] and dossier["external"]
            assert _now(dossier) == _former(dossier)


@pytest.mark.django_db
def test_rows_read_as_values_say_what_the_records_say(
    coordinator,
    civil_member,  # noqa: F811
    decided_before,  # noqa: F811
):
    """The plain-value rows against the same rows computed from model instances."""
    case = decided_before
    # A second aggression with two types, recorded in the opposite order of their ids.
    case_services.aggression_record(
        actor=coordinator,
        case=case,
        occurred_on=timezone.localdate(),
        state=case.parties.first().person.state,
        types=[f.aggression_type("surveillance"), f.aggression_type("harassment")],
        presumed_aggressor="unknown",
        description="Vigilancia <y> acoso.",
        place="",
    )
    now = timezone.now()
    for viewer in (civil_member, coordinator, None):
        expected = []
        for decision in Decision.objects.filter(
            case=case, status=DecisionStatus.CONFIRMED
        ).order_by("confirmed_at"):
            rows = []
            for m in decision.granted_measures.order_by("granted_at", "pk"):
                state = sel.implementation_state(m, now)
                rows.append(
                    {
                        "measure": str(m.measure_type),
                        "covered": str(m.covered.party),
                        "authority": m.authority.name,
                        "details": measure_details_for(viewer, m.measure_type, m.details),
                        "due": m.implementation_due_at,
                        "implemented": m.implemented_at,
                        "ended": m.ended_at,
                        "state": state,
                        "state_label": sel.IMPLEMENTATION_LABELS[state],
                    }
                )
            expected.append((decision.pk, rows))
        got = sel.earlier_decisions(case, viewer=viewer, now=now)
        assert [(e["decision"].pk, e["measures"]) for e in got] == expected
        assert len(expected) == 2 and all(rows for _pk, rows in expected)

        aggressions = [
            {
                "date": a.occurred_on,
                "types": ", ".join(t.name for t in a.types.order_by("pk")),
                "aggressor": a.get_presumed_aggressor_display(),
                "where": ", ".join(filter(None, [a.municipality, str(a.state)])),
                "place": redact_for(viewer, "Aggression.place", a.place),
                "reported_to": a.get_reported_to_display(),
                "investigation": a.get_investigation_status_display(),
                "description": a.description,
            }
            for a in Aggression.objects.filter(case=case, after_request=True).order_by(
                "occurred_on", "pk"
            )
        ]
        assert len(aggressions) == 2 and ", " in aggressions[1]["types"]
        assert sel.aggressions_since_request(case, viewer=viewer) == aggressions

    study = sel.item_study(AgendaItem.objects.filter(case=case).first())
    proposed = [
        {
            "measure": str(pm.measure_type),
            "covered": str(pm.covered.party) if pm.covered_id else "",
            "duration": pm.duration_months,
            "context": pm.context_notes,
        }
        for pm in ProposedMeasure.objects.filter(study=study).order_by("pk")
    ]
    assert proposed and sel.proposed_measures(study) == proposed
    assert CasePerson.objects.filter(case=case).exists()


def test_dossier_sentences_are_in_the_catalogue():
    """The dossier's own sentences are written from Python (dossier_tags): makemessages must find
    them there, or an English reader gets them in Spanish (as the empty lists' sentences were
    from the moment the rows moved to Python until the texts became gettext_lazy constants)."""
    with translation.override("en"):
        html = _now(_empty_dossier())
        full = _now(_full_dossier())
    for english in (
        "No approved risk study.",
        "None recorded.",
        "No previous resolutions.",
        "No document marked for the Board.",
        "No comments.",
        "Case file summary",
        "Item 2. Case file MPP/2025/0007",
    ):
        assert english in html, english
    assert "Reason for the proposal:" in full and "Members' comments" in full
