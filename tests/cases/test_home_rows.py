"""The home page's rows written in Python (cases/templatetags/home_tags.py: the backlog's cards,
the due list, the stages, the urgent panel) are the HTML their former template loops wrote, byte
for byte, escaping included, in both languages, for every kind of row and its edge cases."""

from datetime import date, timedelta
from types import SimpleNamespace as Row

import pytest
from django.template import engines
from django.utils import timezone, translation

from cases.home import DueItem
from cases.models import CaseStatus
from protection.models import Role
from tests.factories import UserFactory

# The loops as templates/home.html and cases/_urgent_panel.html had them.
FORMER_BACKLOG = """{% load i18n protection_tags %}{% for section in backlog %}
    <div class="col-12 col-xl-6">
      <div class="card h-100 backlog-{{ section.key }}">
        <div class="card-body">
          <h3 class="h6 card-title">{{ section.title }} <span class="badge {% if section.count %}text-bg-danger{% else %}text-bg-success{% endif %}">{{ section.count }}</span></h3>
          {% if section.rows %}
          <ul class="list-unstyled mb-0">
            {% for row in section.rows %}
            <li class="mb-1">
              {% if section.key == "study_clock" %}
                <a href="{{ row.pk|case_url }}">{{ row.file_number }}</a> · {% clock row.risk_study_due_at %} · {{ row.assigned_officer.display_name|default:"—" }}
              {% elif section.key == "reevaluations" %}
                <a href="{{ row.pk|case_url }}">{{ row.file_number }}</a> · {% clock row.reevaluation_due_at %} · {{ row.follow_up_officer.display_name|default:_("sin persona de seguimiento") }}
              {% elif section.key == "no_follow_up" %}
                <a href="{{ row.pk|case_url }}">{{ row.file_number }}</a> · <a class="btn btn-sm btn-outline-primary py-0" href="{% url 'cases:follow_up_assign' row.pk %}">{% translate "Asignar seguimiento" %}<span class="visually-hidden"> · {{ row.file_number }}</span></a>
              {% elif section.key == "appeals" %}
                <a href="{% url 'measures:appeal_detail' row.pk %}">{{ row.case.file_number }}</a> · {{ row.get_track_display }} · {% if row.next_step %}{{ row.next_step.0 }}{% endif %}{% if row.due_at %} · {% clock row.due_at %}{% endif %}
              {% elif section.key == "rediscussions" %}
                <a href="{{ row.case_id|case_url }}#nueva-discusion">{{ row.case.file_number }}</a> · {{ row.get_status_display }} · {% clock row.due_at %}
              {% elif section.key == "gravest_pending" %}
                <a href="{{ row.case_id|case_url }}#agresiones">{{ row.case.file_number }}</a> · {{ row.occurred_on|date:"SHORT_DATE_FORMAT" }} · <a class="btn btn-sm btn-outline-danger py-0" href="{% url 'cases:immediate_assessment' row.case_id %}">{% translate "Registrar estudio de acción inmediata" %}<span class="visually-hidden"> · {{ row.case.file_number }}</span></a>
              {% elif section.key == "late_emergencies" %}
                <a href="{% url 'cases:contacts' row.case_id %}#contacto-{{ row.pk }}">{{ row.case.file_number }}</a> · {{ row.get_kind_display }} · {{ row.received_at|date:"SHORT_DATETIME_FORMAT" }}{% if row.authority %} · {{ row.authority.name }}{% endif %} · {% if row.help_arrived_at %}{% blocktranslate count counter=row.response_minutes trimmed %}ayuda en {{ counter }} minuto{% plural %}ayuda en {{ counter }} minutos{% endblocktranslate %}{% else %}{% translate "sin ayuda registrada" %}{% endif %}
              {% elif section.key == "studies" %}
                <a href="{{ row.case_id|case_url }}">{{ row.case.file_number }}</a> · {{ row.get_kind_display }} · {% clock row.due_at %} · {{ row.analyst.display_name }}
              {% elif section.key == "not_notified" %}
                <a href="{{ row.case_id|case_url }}">{{ row.case.file_number }}</a> · {{ row.measure_type }} ({{ row.authority|authority }}) · {% clock row.notification_due_at %}
              {% else %}
                <a href="{{ row.case_id|case_url }}">{{ row.case.file_number }}</a> · {{ row.measure_type }} ({{ row.authority|authority }}) · {% clock row.implementation_due_at %}
              {% endif %}
            </li>
            {% endfor %}
          </ul>
          {% if section.count > section.rows|length %}<p class="small text-body-secondary mt-2 mb-0">{% blocktranslate with n=section.rows|length trimmed %}Se muestran los {{ n }} más atrasados.{% endblocktranslate %}</p>{% endif %}
          {% else %}
          <p class="mb-0 text-body-secondary">{% translate "Sin rezago." %}</p>
          {% endif %}
        </div>
      </div>
    </div>
    {% endfor %}"""
NOW_BACKLOG = "{% load home_tags %}{% backlog_cards backlog %}"
FORMER_DUE = """{% load protection_tags %}{% for item in due_items %}
          <tr>
            <td class="text-nowrap">{% clock item.due_at item.done_at %}</td>
            <td>{% if item.url_name %}{% url item.url_name item.url_arg as link %}{% endif %}{% if item.url_name and link %}<a href="{{ link }}">{{ item.what }}</a>{% else %}{{ item.what }}{% endif %}</td>
            <td class="text-nowrap"><a href="{{ item.case_id|case_url }}">{{ item.file_number }}</a></td>
          </tr>
          {% endfor %}"""
NOW_DUE = "{% load home_tags %}{% due_rows due_items %}"
FORMER_STAGES = """{% load protection_tags %}{% for value, label, count in stage_counts %}
      <li class="list-inline-item mb-2">
        {% if user|can:"case.view" %}<a class="btn btn-sm btn-outline-primary" href="{% url 'cases:list' %}?status={{ value }}">{% else %}<span class="btn btn-sm btn-outline-secondary disabled">{% endif %}
          {{ label }} <span class="badge text-bg-primary">{{ count }}</span>
        {% if user|can:"case.view" %}</a>{% else %}</span>{% endif %}
      </li>
      {% endfor %}"""
NOW_STAGES = "{% load home_tags %}{% stage_items user stage_counts %}"
FORMER_URGENT = """{% load protection_tags case_tags %}{% for case in urgent_cases %}
          <tr>
            <th scope="row" class="text-nowrap"><a href="{{ case.pk|case_url }}">{{ case.file_number }}</a></th>
            <td>{% beneficiaries case %}</td>
            <td class="text-nowrap">{% clock case.urgent_issue_due_at case.urgent_issued_at %}</td>
            <td class="text-nowrap">{% clock case.urgent_implement_due_at case.urgent_implemented_at %}</td>
          </tr>
          {% endfor %}"""
NOW_URGENT = "{% load home_tags %}{% urgent_rows urgent_cases %}"


def _render(source, context, language):
    with translation.override(language):
        return engines["django"].from_string(source).render(context)


def _officer(name):
    return None if name is None else Row(display_name=name)


NUMBER = "MPP/2025/<7>&'"
TPI = Row(name="Tecnologías de Protección <Integral>", short_name="TPI")
POLICE = Row(name="Policía & Estatal", short_name="")


def _sections():
    """(former, now): the same backlog as the former loop read it (model instances' attributes)
    and as backlog_cards reads it (cases.home's rows)."""
    now = timezone.now()
    late = now - timedelta(days=3, hours=2, minutes=30)
    soon = now + timedelta(hours=5, minutes=30)
    former, new = [], []

    def section(key, count, pairs, title="Sección <con> & 'marcas'"):
        former.append(Row(key=key, title=title, count=count, rows=[o for o, _n in pairs]))
        new.append(Row(key=key, title=title, count=count, rows=[n for _o, n in pairs]))

    section(
        "study_clock",
        12,
        [
            (
                Row(
                    pk=5,
                    file_number=NUMBER,
                    risk_study_due_at=late,
                    assigned_officer=_officer("A<b>"),
                ),
                Row(pk=5, case_id=5, file_number=NUMBER, due_at=late, who="A<b>"),
            ),
            (
                Row(pk=1234, file_number="X", risk_study_due_at=soon, assigned_officer=None),
                Row(pk=1234, case_id=1234, file_number="X", due_at=soon, who=""),
            ),
        ],
    )
    section(
        "studies",
        2,
        [
            (
                Row(
                    pk=7,
                    case_id=8,
                    case=Row(file_number=NUMBER),
                    get_kind_display=lambda: "Inicial <x>",
                    due_at=late,
                    analyst=_officer("Ana & O'Neil"),
                ),
                Row(
                    pk=7,
                    case_id=8,
                    file_number=NUMBER,
                    kind="Inicial <x>",
                    due_at=late,
                    who="Ana & O'Neil",
                ),
            ),
            (
                Row(
                    pk=9,
                    case_id=10,
                    case=Row(file_number="Y"),
                    get_kind_display=lambda: "Revaluación",
                    due_at=soon,
                    analyst=None,
                ),
                Row(pk=9, case_id=10, file_number="Y", kind="Revaluación", due_at=soon, who=""),
            ),
        ],
    )
    for key, field in (
        ("not_notified", "notification_due_at"),
        ("not_implemented", "implementation_due_at"),
    ):
        section(
            key,
            3,
            [
                (
                    Row(
                        pk=11,
                        case_id=12,
                        case=Row(file_number=NUMBER),
                        measure_type="Escolta & <botón>",
                        authority=authority,
                        **{field: due},
                    ),
                    Row(
                        pk=11,
                        case_id=12,
                        file_number=NUMBER,
                        measure_type="Escolta & <botón>",
                        authority=authority,
                        due_at=due,
                    ),
                )
                for authority, due in ((TPI, late), (POLICE, soon), (None, late))
            ],
        )
    section(
        "reevaluations",
        2,
        [
            (
                Row(pk=13, file_number=NUMBER, reevaluation_due_at=soon, follow_up_officer=None),
                Row(pk=13, case_id=13, file_number=NUMBER, due_at=soon, who=""),
            ),
            (
                Row(
                    pk=14,
                    file_number="Z",
                    reevaluation_due_at=late,
                    follow_up_officer=_officer("B"),
                ),
                Row(pk=14, case_id=14, file_number="Z", due_at=late, who="B"),
            ),
        ],
    )
    section(
        "no_follow_up",
        40,
        [
            (
                Row(pk=15, file_number=NUMBER),
                Row(pk=15, case_id=15, file_number=NUMBER),
            )
        ],
    )
    section(
        "appeals",
        2,
        [
            (
                Row(
                    pk=16,
                    case=Row(file_number=NUMBER),
                    get_track_display=lambda: "Ordinaria <o>",
                    next_step=("Asignar el <nuevo> estudio", Role.COORDINATOR),
                    due_at=late,
                ),
                Row(
                    pk=16,
                    file_number=NUMBER,
                    get_track_display=lambda: "Ordinaria <o>",
                    next_step=("Asignar el <nuevo> estudio", Role.COORDINATOR),
                    due_at=late,
                ),
            ),
            (
                Row(
                    pk=17,
                    case=Row(file_number="W"),
                    get_track_display=lambda: "Urgente",
                    next_step=None,
                    due_at=None,
                ),
                Row(
                    pk=17,
                    file_number="W",
                    get_track_display=lambda: "Urgente",
                    next_step=None,
                    due_at=None,
                ),
            ),
        ],
    )
    section(
        "rediscussions",
        1,
        [
            (
                Row(
                    pk=18,
                    case_id=19,
                    case=Row(file_number=NUMBER),
                    get_status_display=lambda: "Recibida <r>",
                    due_at=soon,
                ),
                Row(pk=18, case_id=19, file_number=NUMBER, status="Recibida <r>", due_at=soon),
            )
        ],
    )
    section(
        "gravest_pending",
        1,
        [
            (
                Row(pk=20, case_id=21, case=Row(file_number=NUMBER), occurred_on=date(2025, 6, 1)),
                Row(pk=20, case_id=21, file_number=NUMBER, occurred_on=date(2025, 6, 1)),
            )
        ],
    )
    received = now - timedelta(hours=4)
    section(
        "late_emergencies",
        3,
        [
            (
                Row(
                    pk=1501,
                    case_id=22,
                    case=Row(file_number=NUMBER),
                    get_kind_display=lambda: "Emergencia <e>",
                    received_at=received,
                    authority=authority,
                    help_arrived_at=arrived,
                    response_minutes=minutes,
                ),
                Row(
                    pk=1501,
                    case_id=22,
                    file_number=NUMBER,
                    kind="Emergencia <e>",
                    received_at=received,
                    authority=authority,
                    help_arrived_at=arrived,
                    response_minutes=minutes,
                ),
            )
            for authority, arrived, minutes in (
                (POLICE, received + timedelta(minutes=1), 1),
                (None, received + timedelta(minutes=75), 75),
                (TPI, None, None),
            )
        ],
    )
    section("gravest_pending", 0, [], title="Vacía")
    return former, new


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_backlog_cards_write_what_the_template_loop_wrote(language):
    former, new = _sections()
    before = _render(FORMER_BACKLOG, {"backlog": former}, language)
    after = _render(NOW_BACKLOG, {"backlog": new}, language)
    assert after == before
    assert "&lt;7&gt;&amp;&#x27;" in after and 'class="small text-body-secondary mt-2' in after


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_due_rows_write_what_the_template_loop_wrote(language):
    now = timezone.now()
    items = [
        DueItem(
            due_at=now - timedelta(hours=3, minutes=10),
            what="Emitir <x>",
            case_id=3,
            file_number=NUMBER,
        ),
        DueItem(
            due_at=now + timedelta(hours=2, minutes=10),
            what="Estudio & riesgo",
            case_id=4,
            file_number="A",
            url_name="risk:study_detail",
            url_arg=77,
        ),
        DueItem(
            due_at=now + timedelta(hours=5, minutes=10),
            what="Implementar",
            case_id=1234,
            file_number="B",
            url_name="measures:measure_detail",
            url_arg=5,
        ),
        DueItem(
            due_at=now + timedelta(hours=6, minutes=10),
            what="Inconformidad",
            case_id=5,
            file_number="C",
            url_name="measures:appeal_detail",
            url_arg=6,
        ),
    ]
    before = _render(FORMER_DUE, {"due_items": items}, language)
    after = _render(NOW_DUE, {"due_items": items}, language)
    assert after == before and after.count("<a href=") == 7


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es-mx", "en"])
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.AUTHORITY])
def test_stage_items_write_what_the_template_loop_wrote(language, role):
    user = UserFactory(role=role)
    counts = [(value, label, n * 700) for n, (value, label) in enumerate(CaseStatus.choices)]
    context = {"user": user, "stage_counts": counts}
    assert _render(NOW_STAGES, context, language) == _render(FORMER_STAGES, context, language)


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_urgent_rows_write_what_the_template_loop_wrote(language):
    now = timezone.now()
    cases = [
        Row(
            pk=1,
            file_number=NUMBER,
            current_beneficiaries=[Row(party="Ana <a>"), Row(party="Colectivo & co")],
            urgent_issue_due_at=now + timedelta(hours=2, minutes=20),
            urgent_issued_at=None,
            urgent_implement_due_at=now + timedelta(hours=8, minutes=20),
            urgent_implemented_at=None,
        ),
        Row(
            pk=1234,
            file_number="B",
            current_beneficiaries=[],
            urgent_issue_due_at=now - timedelta(hours=5, minutes=20),
            urgent_issued_at=now - timedelta(hours=1, minutes=20),
            urgent_implement_due_at=now - timedelta(hours=1, minutes=10),
            urgent_implemented_at=None,
        ),
    ]
    context = {"urgent_cases": cases}
    assert _render(NOW_URGENT, context, language) == _render(FORMER_URGENT, context, language)


def test_no_rows():
    for source, name in (
        (NOW_DUE, "due_items"),
        (NOW_URGENT, "urgent_cases"),
        (NOW_BACKLOG, "backlog"),
    ):
        assert _render(source, {name: []}, "es-mx") == ""
