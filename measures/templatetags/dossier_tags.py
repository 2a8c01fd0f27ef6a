"""The rows of a Board dossier (templates/board/_dossier.html) written in Python.

The dossier of a busy case lists dozens of granted measures, each row a dozen variable look-ups,
date filters and translations through the template engine: most of the dossier's rendering time
at national scale (issue 17's profile). The tags here write the same HTML, character for
character, as the loops they replace: every value escaped as `{{ }}` escaped it, translations
looked up once per render, dates written in the render's zone and language
(protection.formats). tests/measures/test_dossier_tags.py compares them with the former
template, tests/golden/ with the whole page. The dossier comes already redacted for its reader
(measures.board.selectors.dossier): nothing here decides what a reader may see.
"""

from decimal import Decimal
from html import escape as html_escape

from django import template
from django.template.defaultfilters import linebreaksbr, truncatechars
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from protection.formats import template_date_writer
from protection.reversing import id_urls
from protection.templatetags.protection_tags import abbr

register = template.Library()

SHORT_DATE = "SHORT_DATE_FORMAT"

# Texts written inside the HTML below: each a gettext_lazy constant (turned to text, in the
# render's language, where it is written), so that makemessages finds it; a gettext() call
# inside an f-string is not found (xgettext does not read f-strings' expressions).
_NO_PROPOSALS = gettext_lazy("El estudio no propone medidas.")
_NONE_RECORDED = gettext_lazy("Ninguna registrada.")
_NO_DECISIONS = gettext_lazy("Sin acuerdos anteriores.")
_NOTHING_GRANTED = gettext_lazy("El acuerdo no otorgó medidas.")
_NO_DOCUMENTS = gettext_lazy("Ningún documento marcado para la Junta.")
_NO_OBSERVATIONS = gettext_lazy("Sin observaciones.")
_REASON = gettext_lazy("Motivo de la propuesta:")
_CONTRADICTION = gettext_lazy("Contradicción con otros organismos:")
_SUMMARY_HEADING = gettext_lazy("Resumen del expediente")
_STATUS = gettext_lazy("Estado")
_OPENED = gettext_lazy("Abierto")
_CURRENT_LEVEL = gettext_lazy("Nivel de riesgo vigente")
_SUMMARY = gettext_lazy("Resumen")
_PEOPLE_CAPTION = gettext_lazy("Personas y colectivos en el expediente")
_STUDY_HEADING = gettext_lazy("Estudio de evaluación de riesgo")
_APPROVED = gettext_lazy("aprobado")
_RESULTING_LEVEL = gettext_lazy("Nivel resultante:")
_LEVEL_REASONS = gettext_lazy("Razones del nivel:")
_FACTOR_LINES = gettext_lazy("Explicación factor por factor")
_CONTEXT = gettext_lazy("Contexto")
_DIFFERENTIAL = gettext_lazy("Enfoque diferencial")
_OWN_VIEW = gettext_lazy("Lo que la persona dice de su riesgo")
_PROPOSED_HEADING = gettext_lazy("Medidas propuestas")
_NO_STUDY = gettext_lazy("Sin estudio de riesgo aprobado.")
_EXTERNAL_HEADING = gettext_lazy("Protección de otros organismos")
_DECISIONS_HEADING = gettext_lazy("Acuerdos anteriores y su implementación")
_AGGRESSIONS_HEADING = gettext_lazy("Agresiones desde la solicitud")
_DOCUMENTS_HEADING = gettext_lazy("Documentos para la Junta")
_OBSERVATIONS_HEADING = gettext_lazy("Observaciones de integrantes")
_ITEM_TITLE = gettext_lazy("Punto %(n)s. Expediente %(file)s · %(kind)s")
_CONTRADICTION_LINE = gettext_lazy(
    "%(body)s %(ref)s determinó riesgo «%(found)s»; el estudio propone «%(level)s»."
)


def _text(value):
    """`{{ value }}`: localized, escaped unless safe, as str."""
    if type(value) is str:
        return html_escape(value)
    return str(conditional_escape(localize(value)))


def _default(value, default="—", text=_text):
    """`{{ value|default:"—" }}`."""
    return text(value) if value else default


def _texts():
    """_text for one render, each lazy translation (a label, the redaction mark: the same few
    objects in every row) looked up once rather than once per row."""
    seen = {}

    def text(value):
        if type(value) is str:
            return html_escape(value)
        if not isinstance(value, Promise):
            return _text(value)
        found = seen.get(id(value))
        if found is None:
            # The value is kept with its text: while it lives, no other object has its id.
            found = seen[id(value)] = (value, _text(value))
        return found[1]

    return text


def _date_writer():
    """`{{ value|date:format }}`, escaped, for the many dates of one render."""
    write = template_date_writer()
    return lambda value, format_name=SHORT_DATE: html_escape(write(value, format_name))


_PARTY = (
    "\n      <tr>\n"
    "        <td>{}</td>\n"
    "        <td>{}</td>\n"
    "        <td>{}</td>\n"
    "        <td>{}</td>\n"
    '        <td class="small">\n'
    '          <div>{} <span class="redactable">{}</span></div>\n'
    '          <div>{} <span class="redactable">{}</span></div>\n'
    '          <div>{} <span class="redactable">{}</span></div>\n'
    "          {}\n"
    "        </td>\n"
    "      </tr>\n"
    "      "
)


@register.simple_tag
def dossier_parties(parties):
    """The people table's rows: name, role, profile, place and contact (already redacted)."""
    if not parties:
        return ""
    phone, email, address = gettext("Teléfono:"), gettext("Correo:"), gettext("Domicilio:")
    indigenous = rural = safe_label = None
    text = _texts()
    rows = []
    for p in parties:
        role = text(p["role"])
        if p["relationship"]:
            role = f"{role} ({text(p['relationship'])})"
        profile = [text(p["profile"])]
        if p["work"]:
            profile.append(" · " + text(p["work"]))
        if p["gender"]:
            profile.append(" · " + text(p["gender"]))
        if p["indigenous"]:
            if indigenous is None:
                indigenous = gettext("indígena")
            profile.append(" · " + indigenous)
            if p["ethnic_identity"]:
                profile.append(f" ({text(p['ethnic_identity'])})")
        if p["languages"]:
            profile.append(" · " + text(p["languages"]))
        if p["organisation"]:
            profile.append(" · " + text(p["organisation"]))
        place = _default(p["place"], text=text)
        if p["rural"]:
            if rural is None:
                rural = gettext("rural")
            place = f"{place} · {rural}"
        safe = ""
        if p["safe_contact"]:
            if safe_label is None:
                safe_label = gettext("Contacto seguro:")
            safe = (
                f'<div>{safe_label} <span class="redactable">{text(p["safe_contact"])}</span></div>'
            )
        rows.append(
            _PARTY.format(
                text(p["name"]),
                role,
                "".join(profile),
                place,
                phone,
                _default(p["phone"], text=text),
                email,
                _default(p["email"], text=text),
                address,
                _default(p["address"], text=text),
                safe,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped


@register.simple_tag
def dossier_factor_lines(lines):
    """The study's factor-by-factor explanation, one <li> per factor."""
    return mark_safe(  # noqa: S308 - escaped
        "".join(f"<li>{_text(line.sentence)}</li>" for line in lines)
    )


def _months(count):
    """`{% blocktranslate count months=count %}{{ months }} mes{% plural %}...`."""
    if not isinstance(count, (Decimal, float, int)):
        raise template.TemplateSyntaxError(
            "'months' argument to 'blocktranslate' tag must be a number."
        )
    return ngettext("%(months)s mes", "%(months)s meses", count) % {"months": _text(count)}


@register.simple_tag
def dossier_proposed(proposed):
    """The measures the study proposes, one <li> each (or the sentence saying there are none)."""
    if not proposed:
        return mark_safe(  # noqa: S308 - a msgid
            f"<li>{_NO_PROPOSALS}</li>"
        )
    items = []
    for pm in proposed:
        covered = f" · {_text(pm['covered'])}" if pm["covered"] else ""
        context = f" — {_text(pm['context'])}" if pm["context"] else ""
        items.append(
            f"<li>{_text(pm['measure'])}{covered} · {_months(pm['duration'])}{context}</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 - escaped


@register.simple_tag
def dossier_external(external):
    """Other bodies' protection, one <li> each (or "none recorded")."""
    if not external:
        return mark_safe(f"<li>{_NONE_RECORDED}</li>")  # noqa: S308 - a msgid
    date = _date_writer()
    found_label = gettext("riesgo determinado:")
    inactive = None
    items = []
    for ep in external:
        detail = f" ({_text(ep.body_detail)})" if ep.body_detail else ""
        level = ep.risk_level_found
        found = (level.name if level is not None else "") or ep.risk_level_text
        if ep.active:
            ended = ""
        else:
            if inactive is None:
                inactive = " · " + gettext("no vigente")
            ended = inactive
        items.append(
            f"\n      <li>{abbr(ep.get_body_display())}{detail} {_text(ep.reference)} · "
            f"{date(ep.granted_on)} · {found_label} {_default(found)}{ended}</li>\n    "
        )
    return mark_safe("".join(items))  # noqa: S308 - escaped


_DECISION = (
    '\n    <p class="mb-1"><strong>{number}</strong> · {resolution} · {confirmed}{risk}</p>\n'
    '    <table class="table table-sm">\n'
    '      <caption class="visually-hidden">{caption}</caption>\n'
    '      <thead><tr><th scope="col">{h[0]}</th><th scope="col">{h[1]}</th>'
    '<th scope="col">{h[2]}</th><th scope="col">{h[3]}</th><th scope="col">{h[4]}</th>'
    "</tr></thead>\n"
    "      <tbody>\n"
    "      {rows}\n"
    "      </tbody>\n"
    "    </table>\n"
    "    "
)
_MEASURE = (
    "\n      <tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td>\n"
    '        <td class="impl-{}">{}{}</td></tr>\n'
    "      "
)


@register.simple_tag
def dossier_decisions(decisions):
    """Earlier decisions, each with the table of the measures it granted and how they were
    implemented (or the sentence saying there were none)."""
    if not decisions:
        return mark_safe(  # noqa: S308 - a msgid
            f"\n    <p>{_NO_DECISIONS}</p>\n    "
        )
    date = _date_writer()
    headings = (
        gettext("Medida"),
        gettext("Persona"),
        gettext("Autoridad"),
        gettext("Vencía"),
        gettext("Implementación"),
    )
    caption = gettext("Medidas del acuerdo %(n)s")
    risk_label = none_granted = None
    labels = {}
    out = []
    for entry in decisions:
        decision = entry["decision"]
        number = _text(decision.number)
        level = decision.confirmed_risk_level
        risk = ""
        if level:
            if risk_label is None:
                risk_label = gettext("riesgo")
            risk = f" · {risk_label} {_text(level.name)}"
        rows = []
        for m in entry["measures"]:
            details = m["details"]
            details = f'<br><small class="redactable">{_text(details)}</small>' if details else ""
            state = m["state"]
            label = labels.get(state)
            if label is None:
                label = labels[state] = _text(m["state_label"])
            implemented = m["implemented"]
            implemented = f" ({date(implemented)})" if implemented else ""
            rows.append(
                _MEASURE.format(
                    _text(m["measure"]),
                    details,
                    _text(m["covered"]),
                    _text(m["authority"]),
                    date(m["due"]),
                    _text(state),
                    label,
                    implemented,
                )
            )
        if not rows:
            if none_granted is None:
                none_granted = f'<tr><td colspan="5">{_NOTHING_GRANTED}</td></tr>'
            rows.append(none_granted)
        out.append(
            _DECISION.format(
                number=number,
                resolution=_text(decision.get_resolution_display()),
                confirmed=date(decision.confirmed_at),
                risk=risk,
                caption=caption % {"n": number},
                h=headings,
                rows="".join(rows),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - escaped


@register.simple_tag
def dossier_aggressions(aggressions):
    """Aggressions since the request, one <li> each (or "none recorded")."""
    if not aggressions:
        return mark_safe(f"<li>{_NONE_RECORDED}</li>")  # noqa: S308 - a msgid
    date = _date_writer()
    aggressor = gettext("presunto agresor:")
    items = []
    for a in aggressions:
        place = a["place"]
        place = f' (<span class="redactable">{_text(place)}</span>)' if place else ""
        items.append(
            f"\n      <li>{date(a['date'])} · {_text(a['types'])} · {_text(a['where'])}{place} · "
            f"{aggressor} {_text(a['aggressor'])} · {_text(a['reported_to'])} · "
            f"{_text(a['investigation'])}<br><small>{_text(a['description'])}</small></li>\n    "
        )
    return mark_safe("".join(items))  # noqa: S308 - escaped


@register.simple_tag
def dossier_documents(documents):
    """The documents marked for the Board, as links (or the sentence saying there are none)."""
    if not documents:
        return mark_safe(  # noqa: S308 - a msgid
            f"<li>{_NO_DOCUMENTS}</li>"
        )
    url = id_urls("documents:detail")
    items = []
    for d in documents:
        description = conditional_escape(truncatechars(d.description, 160))
        items.append(
            f'\n      <li><a href="{html_escape(url(d.pk))}">{_text(d.category)} · '
            f"{_text(d.original_name)}</a> — {description}</li>\n    "
        )
    return mark_safe("".join(items))  # noqa: S308 - escaped


@register.simple_tag
def dossier_observations(observations):
    """The Board members' observations, one <li> each (or the sentence saying there are none)."""
    if not observations:
        return mark_safe(f"<li>{_NO_OBSERVATIONS}</li>")  # noqa: S308 - a msgid
    date = _date_writer()
    items = []
    for o in observations:
        member = o.member
        items.append(
            f"\n      <li><strong>{_text(member.name)}</strong> "
            f"({_text(member.get_seat_display())}), "
            f"{date(o.recorded_at, 'SHORT_DATETIME_FORMAT')}: {linebreaksbr(o.text)}</li>\n    "
        )
    return mark_safe("".join(items))  # noqa: S308 - escaped


def _blocktranslate(text, message, **values):
    """`{% blocktranslate with name=value ... %}` of `message` (a gettext_lazy constant with
    %(name)s placeholders)."""
    return str(message) % {name: text(value) for name, value in values.items()}


def _linebreaksbr_or_dash(value):
    """`{{ value|linebreaksbr|default:"—" }}`."""
    return linebreaksbr(value) or "—"


@register.simple_tag
def dossier_article(dossier):
    """The whole dossier (the <article> of templates/board/_dossier.html, which was a template
    calling the row tags above): the same HTML, character for character. Its template parts
    (some forty translations and as many look-ups through the engine) cost more than all its
    rows (issue 17)."""
    text = _texts()
    date = _date_writer()
    item, case, study, score = dossier["item"], dossier["case"], dossier["study"], dossier["score"]
    pk = text(item.pk)
    out = [
        f'<article class="dossier" aria-labelledby="dossier-{pk}">\n'
        f'  <h2 id="dossier-{pk}" class="h4">'
        + _blocktranslate(
            text,
            _ITEM_TITLE,
            n=item.position,
            file=case.file_number,
            kind=item.get_kind_display(),
        )
        + "</h2>\n  "
    ]
    if item.reason:
        out.append(f'<p class="prewrap"><strong>{_REASON}</strong> {text(item.reason)}</p>')
    out.append("\n\n  ")
    if dossier["contradictions"]:
        level = dossier["level"]
        out.append(
            '\n  <div class="alert alert-danger contradiction" role="alert">\n'
            f"    <strong>{_CONTRADICTION}</strong>\n    "
        )
        for ep in dossier["contradictions"]:
            found = ep.risk_level_found
            out.append(
                "\n    "
                + _blocktranslate(
                    text,
                    _CONTRADICTION_LINE,
                    body=ep.get_body_display(),
                    ref=ep.reference,
                    found=found.name if found is not None else "",
                    level=level.name if level is not None else "",
                )
                + "\n    "
            )
        out.append("\n  </div>\n  ")
    level = case.current_risk_level
    out.append(
        "\n\n  <section>\n"
        f'    <h3 class="h5">{_SUMMARY_HEADING}</h3>\n'
        '    <dl class="row">\n'
        f'      <dt class="col-sm-3">{_STATUS}</dt><dd class="col-sm-9">'
        f"{text(case.get_status_display())} · {text(case.get_procedure_display())}</dd>\n"
        f'      <dt class="col-sm-3">{_OPENED}</dt><dd class="col-sm-9">'
        f"{date(case.opened_at)}</dd>\n"
        f'      <dt class="col-sm-3">{_CURRENT_LEVEL}</dt>'
        f'<dd class="col-sm-9">{_default(level.name if level is not None else "", text=text)}'
        "</dd>\n      "
    )
    if case.summary:
        out.append(
            f'<dt class="col-sm-3">{_SUMMARY}</dt><dd class="col-sm-9">'
            f"{linebreaksbr(case.summary)}</dd>"
        )
    headings = "".join(
        f'<th scope="col">{heading}</th>'
        for heading in (
            gettext("Nombre"),
            gettext("Papel"),
            gettext("Perfil"),
            gettext("Lugar"),
            gettext("Contacto"),
        )
    )
    out.append(
        "\n    </dl>\n"
        '    <table class="table table-sm">\n'
        f"      <caption>{_PEOPLE_CAPTION}</caption>\n"
        f"      <thead><tr>{headings}</tr></thead>\n"
        "      <tbody>\n      "
        + dossier_parties(dossier["parties"])
        + "\n      </tbody>\n    </table>\n  </section>\n\n  <section>\n"
        f'    <h3 class="h5">{_STUDY_HEADING}</h3>\n    '
    )
    if study:
        resulting = study.resulting_level
        approved = ""
        if study.approved_at:
            approved = f" · {_APPROVED} {date(study.approved_at)}"
        out.append(
            f"\n    <p><strong>{_RESULTING_LEVEL}</strong> "
            f"{_default(resulting.name if resulting is not None else '', text=text)}"
            f"{approved} · {text(study.get_kind_display())}</p>\n    "
        )
        if score:
            out.append(f"\n    <p>{text(score.summary)}</p>\n    ")
            if study.level_justification:
                out.append(
                    f"<p><strong>{_LEVEL_REASONS}</strong> {text(study.level_justification)}</p>"
                )
            out.append(
                f'\n    <h4 class="h6">{_FACTOR_LINES}</h4>\n'
                f'    <ol class="factor-lines">{dossier_factor_lines(score.lines)}</ol>\n    '
            )
        notes = ""
        if study.proposed_measures_notes:
            notes = f"<p>{text(study.proposed_measures_notes)}</p>"
        out.append(
            "\n    <dl>\n"
            f"      <dt>{_CONTEXT}</dt>"
            f"<dd>{_linebreaksbr_or_dash(study.narrative_context)}</dd>\n"
            f"      <dt>{_DIFFERENTIAL}</dt>"
            f"<dd>{_linebreaksbr_or_dash(study.differential_considerations)}</dd>\n"
            f"      <dt>{_OWN_VIEW}</dt>"
            f"<dd>{_linebreaksbr_or_dash(study.person_own_view)}</dd>\n"
            "    </dl>\n"
            f'    <h4 class="h6">{_PROPOSED_HEADING}</h4>\n'
            "    <ul>\n      "
            + dossier_proposed(dossier["proposed"])
            + f"\n    </ul>\n    {notes}\n    "
        )
    else:
        out.append(f"\n    <p>{_NO_STUDY}</p>\n    ")
    out.append(
        "\n  </section>\n\n  <section>\n"
        f'    <h3 class="h5">{_EXTERNAL_HEADING}</h3>\n'
        "    <ul>\n    "
        + dossier_external(dossier["external"])
        + "\n    </ul>\n  </section>\n\n  <section>\n"
        f'    <h3 class="h5">{_DECISIONS_HEADING}</h3>\n    '
        + dossier_decisions(dossier["decisions"])
        + "\n  </section>\n\n  <section>\n"
        f'    <h3 class="h5">{_AGGRESSIONS_HEADING}</h3>\n'
        "    <ul>\n    "
        + dossier_aggressions(dossier["aggressions"])
        + "\n    </ul>\n  </section>\n\n  <section>\n"
        f'    <h3 class="h5">{_DOCUMENTS_HEADING}</h3>\n'
        "    <ul>\n    "
        + dossier_documents(dossier["documents"])
        + '\n    </ul>\n  </section>\n\n  <section id="observaciones">\n'
        f'    <h3 class="h5">{_OBSERVATIONS_HEADING}</h3>\n'
        "    <ul>\n    "
        + dossier_observations(dossier["observations"])
        + "\n    </ul>\n  </section>\n</article>"
    )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped
