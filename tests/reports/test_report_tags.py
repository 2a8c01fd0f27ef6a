"""The indicators page's Python-written rows and per-language fixed text: the same HTML as the
template loops they replaced, escaping and small-count suppression included."""

from dataclasses import dataclass

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_lazy

LOAD = "{% load i18n report_tags %}"

# The loops as indicators.html wrote them before the tags.
OLD = {
    "request_series_rows": '{% for row in rows %}<tr><th scope="row">{{ row.label }}</th><td class="text-end">{{ row.received|small:threshold }}</td><td class="text-end">{{ row.admitted|small:threshold }}</td><td class="text-end">{{ row.rejected|small:threshold }}</td></tr>{% endfor %}',  # noqa: E501
    "reason_rows": '{% for r in rows %}<tr><th scope="row">{{ r.name }}</th><td>{% if r.for_admission %}{% translate "Admisión" %}{% else %}{% translate "No admisión" %}{% endif %}</td><td class="text-end">{{ r.count|small:threshold }}</td></tr>{% empty %}<tr><td colspan="3">{% translate "Sin decisiones en el periodo." %}</td></tr>{% endfor %}',  # noqa: E501
    "milestone_rows": """{% for m in rows %}<tr data-milestone="{{ m.key }}"><th scope="row">{{ m.label }}</th><td class="text-end">{{ m.reached|small:threshold }}</td>
          {% if threshold and m.reached < threshold %}<td class="text-end">—</td><td class="text-end">—</td><td class="text-end">—</td>{% else %}<td class="text-end">{{ m.median_seconds|duration }}</td><td class="text-end">{{ m.p90_seconds|duration }}</td><td class="text-end">{% if m.has_deadline %}{{ m.share_on_time|share }}{% else %}{% translate "sin plazo fijo" %}{% endif %}</td>{% endif %}
          <td class="text-end">{% if m.has_deadline %}{{ m.overdue_open|small:threshold }}{% else %}—{% endif %}</td></tr>{% endfor %}""",  # noqa: E501
    "overdue_rows": '{% for row in rows %}<tr><th scope="row">{{ row.label }}</th><td class="text-end">{{ row.count|small:threshold }}</td></tr>{% endfor %}',  # noqa: E501
    "backlog_rows": '{% for row in rows %}<tr><th scope="row">{{ row.label }}</th><td class="text-end">{{ row.studies|small:threshold }}</td><td class="text-end">{{ row.reevaluations|small:threshold }}</td></tr>{% endfor %}',  # noqa: E501
}


@dataclass
class _Milestone:
    key: str
    label: object
    reached: int
    median_seconds: float | None
    p90_seconds: float | None
    has_deadline: bool
    share_on_time: float | None
    overdue_open: int


LABELS = ["<b>A & B</b>", gettext_lazy("Admisión"), "2024"]
ROWS = {
    "request_series_rows": [
        {"label": label, "received": n, "admitted": n // 2, "rejected": 3}
        for label, n in zip(LABELS, (0, 4, 12345), strict=True)
    ],
    "reason_rows": [
        {"name": label, "for_admission": i % 2 == 0, "count": n}
        for i, (label, n) in enumerate(zip(LABELS, (2, 40, 0), strict=True))
    ],
    "milestone_rows": [
        _Milestone("urgent", LABELS[0], 3, 7200.0, 90000.0, True, 0.5, 2),
        _Milestone("board", LABELS[1], 40, 400000.0, None, False, None, 0),
        _Milestone("study", LABELS[2], 1234, None, 86400 * 3.0, True, None, 4),
    ],
    "overdue_rows": [
        {"label": label, "count": n} for label, n in zip(LABELS, (1, 9, 0), strict=True)
    ],
    "backlog_rows": [
        {"label": label, "studies": n, "reevaluations": 7 - n}
        for label, n in zip(LABELS, (1, 5, 0), strict=True)
    ],
}


@pytest.mark.parametrize("language", ["es-mx", "en"])
@pytest.mark.parametrize("threshold", [0, 5])
@pytest.mark.parametrize("tag", sorted(OLD))
def test_rows_tag_writes_what_the_template_loop_wrote(tag, threshold, language):
    with translation.override(language):
        for rows in (ROWS[tag], []):
            context = {"rows": rows, "threshold": threshold}
            old = Template(LOAD + OLD[tag]).render(Context(context))
            new = Template(LOAD + "{% " + tag + " rows threshold %}").render(Context(context))
            assert new == old


def test_fixed_text_is_rendered_per_language_without_the_page_variables():
    template = Template(
        LOAD + '{% fixed_text %}<th>{% translate "Mediana" %}{{ secret }}</th>{% endfixed_text %}'
    )
    with translation.override("es-mx"):
        assert template.render(Context({"secret": "x"})) == "<th>Mediana</th>"
    with translation.override("en"):
        english = template.render(Context({"secret": "y"}))
    assert english != "<th>Mediana</th>" and "y" not in english
    with translation.override("es-mx"):
        assert template.render(Context()) == "<th>Mediana</th>"


def test_authority_cells_are_escaped_and_kept_by_name():
    from types import SimpleNamespace

    from protection.reports.templatetags.report_tags import compliance_authority_rows

    counts = {"on_time": 1, "late": 2, "never": 0, "pending": 3, "reported": 4}
    rows = [
        {"authority": SimpleNamespace(pk=1, short_name="A&B", name="<Autoridad>"), **counts},
        {"authority": SimpleNamespace(pk=2, short_name="", name="<Otra>"), **counts},
    ]
    for _ in range(2):
        html = compliance_authority_rows(rows)
        assert '<abbr title="&lt;Autoridad&gt;">A&amp;B</abbr>' in html
        assert '<th scope="row">&lt;Otra&gt;</th>' in html
    rows[0]["authority"] = SimpleNamespace(pk=1, short_name="A&B", name="Renombrada")
    assert '<abbr title="Renombrada">A&amp;B</abbr>' in compliance_authority_rows(rows)
