"""The case rows and badges written in Python (cases/templatetags/case_tags.py) are the HTML their
former templates wrote, byte for byte, escaping included, in both languages."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.template import Context, Engine, engines
from django.utils import timezone, translation

from cases.models import CaseStatus, Procedure
from cases.templatetags.case_tags import _text, _truncated, _truncated_text, _Writer
from protection.models import Role
from tests.factories import UserFactory

# The templates as they were before the rows moved to Python.
FORMER_BENEFICIARIES = (
    "{% load i18n %}{% for b in case.current_beneficiaries %}{{ b.party }}"
    "{% if not forloop.last %}; {% endif %}{% empty %}"
    '<span class="text-body-secondary">{% translate "Sin personas beneficiarias registradas" %}'
    "</span>{% endfor %}\n"
)
FORMER_STATUS = (
    "<span class=\"badge rounded-pill text-bg-{% if case.status == 'closed' %}secondary"
    "{% elif case.status == 'urgent_protection' %}danger{% elif case.status == 'received' %}info"
    '{% else %}primary{% endif %}">{{ case.get_status_display }}</span>\n'
)
FORMER_RISK = (
    "{% load i18n %}{% if level %}"
    '<span class="badge text-bg-light border border-secondary-subtle risk-level" '
    "title=\"{% translate 'Nivel de riesgo' %}\">{{ level }}</span>{% else %}"
    '<span class="text-body-secondary">{% translate "Sin nivel" %}</span>{% endif %}\n'
)
FORMER_LIST = """{% load i18n protection_tags %}{% for case in cases %}
        <tr>
          {% if bulk %}<td><input type="checkbox" class="form-check-input" name="expediente" value="{{ case.pk }}" id="select-{{ case.pk }}" aria-label="{% blocktranslate with file=case.file_number %}Seleccionar {{ file }}{% endblocktranslate %}"></td>{% endif %}
          <th scope="row" class="text-nowrap">{% if case.file_open %}<a href="{{ case.pk|case_url }}">{{ case.file_number }}</a>{% else %}{{ case.file_number }}<br><span class="small text-body-secondary fw-normal">{% translate "Sólo datos de identificación" %}</span>{% if user|can:"contact.record" and case.is_active %}<br><a class="small fw-normal" href="{% url 'cases:contacts' case.pk %}">{% translate "Registrar contacto o emergencia" %}</a>{% endif %}{% endif %}</th>
          <td>{% include "beneficiaries" %}</td>
          <td>{% include "status" %}</td>
          <td>{{ case.get_procedure_display }}</td>
          {% if not headers_only %}<td>{% include "risk" with level=case.current_risk_level %}</td>{% endif %}
          <td class="text-nowrap">{% clock case.next_deadline_at %}</td>
          <td>{{ case.assigned_officer.display_name|default:"—" }}</td>
        </tr>
        {% endfor %}"""
NOW_LIST = "{% load case_tags %}{% case_list_rows cases bulk headers_only %}"
FORMER_HOME = """{% load protection_tags %}{% for case in rows %}
      <tr>
        <th scope="row" class="text-nowrap"><a href="{{ case.pk|case_url }}">{{ case.file_number }}</a></th>
        <td>{% include "beneficiaries" %}</td>
        <td>{% include "status" %}</td>
        <td class="text-nowrap">{% clock case.next_deadline_at %}</td>
      </tr>
      {% endfor %}"""
NOW_HOME = "{% load case_tags %}{% case_home_rows rows %}"


def _render(source, context):
    """Renders `source` with the former include files available by name."""
    django_engine = engines["django"].engine
    engine = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    "beneficiaries": FORMER_BENEFICIARIES,
                    "status": FORMER_STATUS,
                    "risk": FORMER_RISK,
                },
            )
        ],
        libraries=django_engine.libraries,
        builtins=django_engine.builtins,
    )
    return engine.from_string(source).render(Context(context))


class Party:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name


class Level:
    def __str__(self):
        return "Alto <extremo> & más"


def _case(pk, status, procedure, *, people=(), level=None, officer=None, file_open=True, due=None):
    labels = dict(CaseStatus.choices)
    procedures = dict(Procedure.choices)
    return SimpleNamespace(
        pk=pk,
        file_number=f"MPP/2025/{pk:04d}<&>",
        status=status,
        procedure=procedure,
        get_status_display=lambda: str(labels[status]),
        get_procedure_display=lambda: str(procedures[procedure]),
        current_beneficiaries=[SimpleNamespace(party=Party(name)) for name in people],
        current_risk_level=level,
        assigned_officer=officer,
        file_open=file_open,
        is_active=status != CaseStatus.CLOSED,
        next_deadline_at=due,
    )


@pytest.fixture
def cases(db):
    now = timezone.now()
    officer = UserFactory(role=Role.FOLLOW_UP, first_name="Ana <b>", last_name="O'Neil & Co")
    nameless = UserFactory(role=Role.ANALYST, first_name="", last_name="")
    return [
        _case(
            1,
            CaseStatus.FOLLOW_UP,
            Procedure.ORDINARY,
            people=["María <i>López</i>", "Colectivo \"Tierra\" & 'Agua'"],
            level=Level(),
            officer=officer,
            due=now - timedelta(days=3),
        ),
        _case(2, CaseStatus.CLOSED, Procedure.EXTRAORDINARY, officer=nameless),
        _case(3, CaseStatus.URGENT_PROTECTION, Procedure.EXTRAORDINARY, file_open=False),
        _case(
            4,
            CaseStatus.RECEIVED,
            Procedure.ORDINARY,
            people=["Juan"],
            file_open=False,
            due=now + timedelta(hours=5),
        ),
        _case(5, CaseStatus.CLOSED, Procedure.ORDINARY, file_open=False),
    ]


@pytest.mark.parametrize("language", ["es-mx", "en"])
@pytest.mark.parametrize("bulk", [True, False])
@pytest.mark.parametrize("headers_only", [True, False])
@pytest.mark.parametrize("role", [Role.RECEPTION, Role.COORDINATOR])
def test_case_list_rows_write_what_the_template_loop_wrote(
    cases, language, bulk, headers_only, role
):
    user = UserFactory(role=role)
    context = {"cases": cases, "bulk": bulk, "headers_only": headers_only, "user": user}
    with translation.override(language):
        former = _render(FORMER_LIST, context)
        now = engines["django"].from_string(NOW_LIST).render(context)
    assert now == former
    assert "&lt;i&gt;López&lt;/i&gt;" in now and "O&#x27;Neil &amp; Co" in now
    assert ("Alto &lt;extremo&gt; &amp; más" in now) is not headers_only


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_case_home_rows_write_what_the_template_loop_wrote(cases, language):
    with translation.override(language):
        former = _render(FORMER_HOME, {"rows": cases})
        now = engines["django"].from_string(NOW_HOME).render({"rows": cases})
    assert now == former
    assert "MPP/2025/0001&lt;&amp;&gt;" in now


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_badges_write_what_their_templates_wrote(cases, language):
    tags = engines["django"]
    with translation.override(language):
        for case in cases:
            context = {"case": case, "level": case.current_risk_level}
            assert tags.from_string("{% load case_tags %}{% status_badge case %}").render(
                context
            ) == _render(FORMER_STATUS, context)
            assert tags.from_string("{% load case_tags %}{% risk_badge level %}").render(
                context
            ) == _render(FORMER_RISK, context)
            assert tags.from_string("{% load case_tags %}{% beneficiaries case %}").render(
                context
            ) == _render(FORMER_BENEFICIARIES, context)


FORMER_RECORD_DOCS = (
    "{% load i18n %}{% if docs or may_upload %}"
    '<ul class="list-inline small mb-0 record-docs">{% for d in docs %}'
    '<li class="list-inline-item"><a href="{% url \'documents:detail\' d.pk %}" '
    'title="{{ d.category }}"><span aria-hidden="true">📎</span> {{ d.original_name }}</a></li>'
    "{% endfor %}{% if may_upload and case %}"
    '<li class="list-inline-item"><a class="link-secondary" '
    "href=\"{% url 'documents:upload' case.pk %}?registro={{ record_value|urlencode }}\">"
    '{% translate "Adjuntar documento" %}</a></li>{% endif %}</ul>{% endif %}\n'
)


@pytest.mark.parametrize("language", ["es-mx", "en"])
@pytest.mark.parametrize("may_upload", [True, False])
def test_record_docs_write_what_their_template_wrote(language, may_upload):
    """Documents beside a record on the case page (cases/documents/templatetags/documents.py)."""
    docs = [
        SimpleNamespace(pk=7, category="Acta <firmada> & sellada", original_name='o"k & <b>.pdf'),
        SimpleNamespace(pk=8, category="Oficio", original_name="oficio.pdf"),
    ]
    case = SimpleNamespace(pk=42)
    for kind, record_id, found in (("letter", 5, docs), ("decision", 6, []), ("x y", 9, [])):
        by_record = {(kind, record_id): found}
        context = {"case": case, "may_upload_documents": may_upload, "by_record": by_record}
        former = {
            "docs": found,
            "case": case,
            "may_upload": may_upload,
            "record_value": f"{kind}:{record_id}",
        }
        with translation.override(language):
            now = (
                engines["django"]
                .from_string("{% load documents %}{% record_docs by_record kind record_id %}")
                .render({**context, "kind": kind, "record_id": record_id})
            )
            assert now == engines["django"].from_string(FORMER_RECORD_DOCS).render(former)
    assert "o&quot;k &amp; &lt;b&gt;.pdf" in engines["django"].from_string(
        "{% load documents %}{% record_docs by_record 'letter' 5 %}"
    ).render({"case": case, "by_record": {("letter", 5): docs}})


@pytest.mark.parametrize(
    "text",
    [
        "",
        "corto",
        "x" * 120,
        "x" * 121,
        "Añadir <b>\"comillas\"</b> & 'apóstrofos'",
        "e\u0301" * 100,  # combining accents: counted as one character, normalised to NFC
        "e\u0301" * 130,
        "ñ" * 119 + "é",
    ],
)
def test_truncated_text_is_truncatechars(text):
    assert _truncated_text(text, 120) == str(_truncated(text, 120))


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_writer_text_is_text(language):
    with translation.override(language):
        for value in (0, 7, -999, 999, 1000, 123456, True, 2.5, "a<b>&'\"", None):
            assert _Writer.text(value) == str(_text(value)), value


FORMER_AGGRESSIONS = (
    "{% load case_tags documents i18n protection_tags %}"
    "{% for a in aggressions %}\n"
    "        <tr>\n"
    '          <td class="text-nowrap">{{ a.occurred_on|date:"SHORT_DATE_FORMAT" }}{% if a.after_request %} <span class="badge text-bg-warning">{% translate "posterior a la solicitud" %}</span>{% endif %}</td>\n'
    '          <td>{% if a.gravest %}<span class="badge text-bg-danger">{% translate "Grave" %}</span> {% endif %}{% for t in a.type_list %}{{ t }}{% if not forloop.last %}, {% endif %}{% endfor %}\n'
    '            {% if a.gravest %}<div class="small">{% if a.assessment %}{% blocktranslate with who=a.assessment.performed_by.display_name when=a.assessment.performed_at|date:"SHORT_DATETIME_FORMAT" trimmed %}Estudio de acción inmediata: {{ who }}, {{ when }}{% endblocktranslate %} · {{ a.assessment.findings|truncatechars:120 }}{% else %}<span class="text-danger">{% translate "Sin estudio de acción inmediata" %}</span>{% endif %}\n'
    '              · {% if a.reevaluation %}{% translate "Revaluación por hechos nuevos abierta" %}{% else %}{% translate "No se abrió revaluación" %}: {{ a.reevaluation_refused }}{% endif %}</div>{% endif %}</td>\n'
    "          <td>{% if a.victim %}{{ a.victim.party }}{% else %}—{% endif %}</td>\n"
    "          <td>{{ a.state }}{% if a.municipality %}, {{ a.municipality }}{% endif %}{% if a.place %} · {{ a.place }}{% endif %}</td>\n"
    "          <td>{{ a.get_presumed_aggressor_display }}</td>\n"
    "          <td>{{ a.get_reported_to_display|abbr }}{% if a.complaint_reference %} ({{ a.complaint_reference }}){% endif %} · {{ a.get_investigation_status_display }}</td>\n"
    '          <td>{{ a.description|truncatechars:200 }}{% record_docs docs_by_record "aggression" a.pk %}</td>\n'
    "        </tr>\n"
    "        {% endfor %}"
)


def _aggressions():
    """Aggressions as the case page reads them (unsaved: no query), one of each shape: after
    the request or not, gravest with and without an assessment and a re-evaluation, without a
    victim or a complaint, text to escape and to truncate."""
    from cases.models import (
        Aggression,
        AggressionType,
        CasePerson,
        Collective,
        Person,
        State,
    )
    from protection.models import User
    from risk.models import ImmediateActionAssessment, Reevaluation

    field = Aggression._meta.get_field
    aggressor = [value for value, _label in field("presumed_aggressor").choices]
    reported = [value for value, _label in field("reported_to").choices]
    status = [value for value, _label in field("investigation_status").choices]
    types = [
        AggressionType(pk=n, name=name)
        for n, name in enumerate(["Amenaza", "Robo <de> & datos"], 1)
    ]
    analyst = User(pk=5, username="ana", first_name="Ana", last_name="O'Neil <UER>")
    now = timezone.now()
    rows = []
    for n in range(8):
        a = Aggression(
            pk=n + 1,
            occurred_on=(now - timedelta(days=40 * n)).date(),
            municipality="Tlapa & <Montaña>" if n % 2 else "",
            place='Camino "real"' if n % 3 else "",
            presumed_aggressor=aggressor[n % len(aggressor)],
            reported_to=reported[n % len(reported)],
            complaint_reference="FGR/<1>" if n % 2 else "",
            investigation_status=status[n % len(status)],
            description=("Hechos <graves> & amenazas. " * (n + 1)),
            after_request=bool(n % 2),
            gravest=n in (1, 2, 3, 4),
            reevaluation_refused="Sin hechos <nuevos>" if n in (2, 4) else "",
        )
        a.state = State(pk=n + 1, name="Guerrero <Sur>")
        a.type_list = types[: 1 + n % 2]
        a.assessment = (
            ImmediateActionAssessment(
                pk=n, performed_by=analyst, performed_at=now, findings="Riesgo <alto> " * 20
            )
            if n in (1, 2)
            else None
        )
        a.reevaluation = Reevaluation(pk=n) if n in (1, 3) else None
        if n == 6:
            a.victim = None
        else:
            party = (
                Collective(pk=n, name="Colectivo <Tierra>")
                if n == 7
                else Person(pk=n, given_names="María & José", family_names="López")
            )
            a.victim = CasePerson(
                pk=n, person=party if n != 7 else None, collective=party if n == 7 else None
            )
        rows.append(a)
    return rows


@pytest.mark.parametrize("language", ["es-mx", "en"])
@pytest.mark.parametrize("may_upload", [True, False])
def test_aggression_rows_write_what_the_template_loop_wrote(language, may_upload):
    aggressions = _aggressions()
    context = {
        "aggressions": aggressions,
        "case": SimpleNamespace(pk=42),
        "may_upload_documents": may_upload,
        "docs_by_record": {},
    }
    with translation.override(language):
        former = engines["django"].from_string(FORMER_AGGRESSIONS).render(context)
        now = (
            engines["django"]
            .from_string("{% load case_tags %}{% aggression_rows aggressions %}")
            .render(context)
        )
    assert "Riesgo &lt;alto&gt;" in former and "Colectivo &lt;Tierra&gt;" in former
    assert now == former
