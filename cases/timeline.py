"""One timeline per case: everything that happened, newest first.

Staff turnover lost case files in real mechanisms (DOMAIN.md §7); the timeline puts requests,
aggressions, assessments, studies, Board decisions, measures and their implementation, letters,
court holds, appeals and every recorded change (django-simple-history: who, when, which fields)
in one place.

Reads run one query per source (`cases.records.case_records`), whatever the number of rows; the
merge is a sort in Python. The sources that grow without bound (events, history) are capped at the newest
`limit` rows, and so is the result: the newest `limit` entries overall are always among them.
The case page asks for TIMELINE_PAGE; each "Ver entradas anteriores" asks for one page more.
"""

import heapq
from dataclasses import dataclass, field
from datetime import datetime, time
from itertools import chain

from django.db.models import Field, Q, Subquery
from django.urls import NoReverseMatch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.models import ModelChange

from protection import clocks
from protection.prepared import PreparedRead, PreparedReads
from protection.reversing import id_urls

from .models import Case, CasePerson, Person
from .wording import petitioner_label

# The case page shows this many timeline entries; "Ver más" loads the next as many, and so on
# back to the first request (cases:timeline).
TIMELINE_PAGE = 50

# Contact channels and address: only roles that work the case see their values in the history.
SENSITIVE_PERSON_FIELDS = frozenset({"phone", "email", "home_address", "safe_contact_notes"})
# Derived or technical fields that say nothing to a reader of the history.
IGNORED_HISTORY_FIELDS = frozenset({"version", "search_text", "next_deadline_at"})


@dataclass
class Entry:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    actor: str = ""
    changes: list = field(default_factory=list)
    url: str = ""
    date_only: bool = False
    tone: str = "secondary"
    # Breaks ties between facts recorded at the same instant (a delivery that also marks the
    # measure notified and implemented): the higher comes first, newest-first.
    order: int = 0


def _messages():
    """gettext for one build of the timeline: a busy case's hundreds of entries share a score of
    messages, each translated once here (the functions below bind it to `_`, so the messages are
    still found by makemessages)."""
    kept = {}

    def translate(message):
        text = kept.get(message)
        if text is None:
            text = kept[message] = _(message)
        return text

    return translate


class _Links:
    """Links to records by id for the entries of one build: each URL name's pattern looked up
    once (protection.reversing.id_urls)."""

    def __init__(self):
        self._urls = {}

    def __call__(self, name, pk):
        url = self._urls.get(name, False)
        if url is False:
            try:
                url = self._urls[name] = id_urls(name)
            except NoReverseMatch:  # the page is not built (yet): entries without a link
                url = self._urls[name] = None
        return Link(url(pk), name) if url is not None else ""


class Link(str):
    """An entry's link (a str), knowing the URL name it was reversed from (`view`): the case
    page checks the role's access by name once per name instead of resolving every link."""

    __slots__ = ("view",)

    def __new__(cls, url, view):
        link = super().__new__(cls, url)
        link.view = view
        return link


def _day(value):
    """A date-only fact placed at the start of that day in the mechanism's zone."""
    return datetime.combine(value, time.min, tzinfo=clocks.mechanism_zone())


def _name(user):
    return user.display_name if user else ""


def _party_name(case_person):
    if case_person is None:
        return ""
    return str(case_person.person or case_person.collective)


# ---------------------------------------------------------------------------------------------
# History ("who changed what")


# {value: label} of a field's choices, per field (the labels are lazy: written in the language
# of each request).
_CHOICE_LABELS = {}


def _choice_labels(model_field):
    labels = _CHOICE_LABELS.get(model_field)
    if labels is None:
        labels = _CHOICE_LABELS[model_field] = dict(model_field.flatchoices)
    return labels


def _display(value, model_field, related_names, hide=False):
    if hide:
        return _("(reservado)")
    if value is None or value == "":
        return "—"
    if model_field is not None and model_field.choices:
        return str(_choice_labels(model_field).get(value, value))
    if model_field is not None and model_field.is_relation:
        return related_names.get((model_field.related_model, value), f"#{value}")
    if isinstance(value, bool):
        return _("Sí") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if hasattr(value, "isoformat"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


# What diff_against() compares, per history model: (name, attname) of the tracked editable
# fields, by name (its order), or None where it compares more (many-to-many fields).
_COMPARED = {}


def _compared(older):
    model = type(older)
    if model not in _COMPARED:
        names = {f.name for f in older.tracked_fields if f.editable}
        fields = sorted(
            (f.name, f.attname)
            for f in chain(model._meta.concrete_fields, model._meta.private_fields)
            if f.editable and f.name in names
        )
        plain = all(
            type(model._meta.get_field(name)).value_from_object is Field.value_from_object
            for name, _attname in fields
        )
        same = plain and not older._history_m2m_fields and len(fields) == len(names)
        _COMPARED[model] = fields if same else None
    return _COMPARED[model]


def _changes(record, older):
    """record.diff_against(older).changes: the fields whose values differ, by name, each with
    .field, .old and .new. Compared here as diff_against() does (model_to_dict's values) without
    building two dicts per pair of records (a busy case has a hundred)."""
    fields = _compared(older)
    if fields is None:
        return record.diff_against(older).changes
    return [
        ModelChange(name, getattr(older, attname), getattr(record, attname))
        for name, attname in fields
        if getattr(older, attname) != getattr(record, attname)
    ]


def _diffs(records):
    """[(record, changes)] for consecutive history records of each object, oldest first."""
    previous = {}
    out = []
    for record in records:
        older = previous.get(record.history_object_key)
        changes = []
        if older is not None:
            changes = [c for c in _changes(record, older) if c.field not in IGNORED_HISTORY_FIELDS]
        out.append((record, older, changes))
        previous[record.history_object_key] = record
    return out


def _related_names(model, diffs, named=None):
    """One query per related model that appears in the changes: {(model, pk): label}.
    `named(related)`: the rows of `related` the history read names (a prepared read, among
    them every one the changes name), or None to read them by pk."""
    wanted = {}
    for _record, _older, changes in diffs:
        for change in changes:
            f = model._meta.get_field(change.field)
            if f.is_relation:
                for v in (change.old, change.new):
                    if v is not None:
                        wanted.setdefault(f.related_model, set()).add(v)
    names = {}
    for related, pks in wanted.items():
        found = [] if named is None else [obj for obj in named(related) if obj.pk in pks]
        missing = pks - {obj.pk for obj in found}
        if missing:
            found += related._default_manager.filter(pk__in=missing)
        for obj in found:
            label = obj.display_name if hasattr(obj, "display_name") else str(obj)
            names[(related, obj.pk)] = label
    return names


class _NamedInHistory:
    """The rows of each related model that a case's history rows of `model` name (in any of
    the model's foreign keys to it), one prepared read per related model: the names shown
    in "who changed what" without building a query for them on every page (issue 17).
    `rows(case_id)`: the history rows of the case."""

    def __init__(self, model, rows):
        self._model = model
        self._rows = rows
        self._reads = {}

    def _read(self, related):
        keys = [
            f.attname
            for f in self._model._meta.concrete_fields
            if f.is_relation and f.related_model is related
        ]
        if not keys:
            return None
        rows = self._rows

        def build(case_id):
            condition = Q()
            for key in keys:
                condition |= Q(pk__in=Subquery(rows(case_id).values(key)))
            return related._default_manager.filter(condition)

        return PreparedRead(build)

    def __call__(self, case_id):
        """named(related) for one case."""

        def named(related):
            read = self._reads.get(related, False)
            if read is False:
                read = self._reads.setdefault(related, self._read(related))
            return [] if read is None else read(case_id)

        return named


def _history_entries(model, records, *, subject, created_title, can_see_contact, named=None):
    _ = _messages()
    for record in records:
        record.history_object_key = record.id
    diffs = _diffs(records)
    names = _related_names(model, diffs, named)
    field_names = {}  # each field's verbose name, translated once per build
    entries = []
    for record, _older, changes in diffs:
        # Reasons are stored as written by the services (Spanish, the source language); shown
        # through the catalogue so an English reader sees them in English.
        reason = _(record.history_change_reason) if record.history_change_reason else ""
        actor = _name(record.history_user)
        if record.history_type == "+":
            entries.append(
                Entry(
                    at=record.history_date,
                    kind="history",
                    title=created_title(record),
                    detail=reason,
                    actor=actor,
                    tone="info",
                )
            )
            continue
        if record.history_type == "-":
            entries.append(
                Entry(
                    at=record.history_date,
                    kind="history",
                    title=_("Registro eliminado: %(s)s") % {"s": subject(record)},
                    actor=actor,
                    tone="danger",
                )
            )
            continue
        rows = []
        for change in changes:
            f = model._meta.get_field(change.field)
            hide = change.field in SENSITIVE_PERSON_FIELDS and not can_see_contact
            old, new = _display(change.old, f, names, hide), _display(change.new, f, names, hide)
            if old == new and not hide:
                # A clock recomputed to the same minute (a decision that moves nothing): to a
                # reader nothing changed, so no "05/12/2027 → 05/12/2027" line.
                continue
            label = field_names.get(f)
            if label is None:
                label = field_names[f] = str(f.verbose_name)
            rows.append({"field": label, "old": old, "new": new})
        if not rows and not reason:
            continue  # only derived fields moved
        entries.append(
            Entry(
                at=record.history_date,
                kind="history",
                title=_("Cambios en %(s)s") % {"s": subject(record)},
                detail=reason,
                actor=actor,
                changes=rows,
                tone="secondary",
            )
        )
    return entries


def _case_history_rows(case_id):
    return Case.history.filter(id=case_id)


def _person_history_rows(case_id):
    """The history of the people on the case: those of its parties (present and past)."""
    return Person.history.filter(
        id__in=Subquery(
            CasePerson.objects.filter(case_id=case_id, person__isnull=False).values("person_id")
        )
    )


# The two history reads, their SQL built once per process and LIMIT (protection.prepared).
_case_history = PreparedReads(
    lambda case_id, limit: (
        _case_history_rows(case_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
)
_person_history = PreparedReads(
    lambda case_id, limit: (
        _person_history_rows(case_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
)
_named_in_case_history = _NamedInHistory(Case, _case_history_rows)
_named_in_person_history = _NamedInHistory(Person, _person_history_rows)


def history_entries(case, parties, *, can_see_contact, limit=TIMELINE_PAGE):
    """Changes to the case and to the people on it (`parties`: the case's parties, or none to
    leave people out), from django-simple-history. Two queries for the records, plus one per
    related model named in the changes."""
    case_records_ = _case_history(case.pk, limit + 1)[::-1]
    entries = _history_entries(
        Case,
        case_records_,
        subject=lambda r: _("el expediente"),
        created_title=lambda r: _("Expediente abierto: %(n)s") % {"n": r.file_number},
        can_see_contact=can_see_contact,
        named=_named_in_case_history(case.pk),
    )
    person_ids = {p.person_id for p in parties if p.person_id}
    if person_ids:
        person_records = _person_history(case.pk, limit + len(person_ids))[::-1]
        entries += _history_entries(
            Person,
            person_records,
            subject=lambda r: f"{r.given_names} {r.family_names}".strip(),
            created_title=lambda r: (
                _("Persona registrada: %(n)s") % {"n": f"{r.given_names} {r.family_names}".strip()}
            ),
            can_see_contact=can_see_contact,
            named=_named_in_person_history(case.pk),
        )
    return entries


# ---------------------------------------------------------------------------------------------
# Events from the records


def _measure_keys(m):
    """The (at, order) of each entry record_entries() makes for a granted measure."""
    keys = [(m.granted_at, 0)]
    if m.notified_at and m.notified_at != m.granted_at:
        keys.append((m.notified_at, 1))
    if m.implemented_at:
        keys.append((m.implemented_at, 2))
    if m.ended_at:
        keys.append((m.ended_at, 3))
    return keys


def _letter_keys(letter):
    """The (at, order) of each entry record_entries() makes for a letter."""
    return [(at, 0) for at in (letter.generated_at, letter.sent_at, letter.acknowledged_at) if at]


def _newest(records, keys_of, limit):
    """(the records that may have an entry among the newest `limit`, the number of entries the
    others would make). An entry older than the `limit`-th newest entry of its own source has at
    least `limit` entries strictly newer than it, so it is never shown: a busy case's hundreds
    of measure and letter entries are not built to be sorted out (issue 17)."""
    if limit is None:
        return records, 0
    keys = [key for record in records for key in keys_of(record)]
    if len(keys) <= limit:
        return records, 0
    cutoff = heapq.nlargest(limit, keys)[-1]
    kept, skipped = [], 0
    for record in records:
        record_keys = keys_of(record)
        if any(key >= cutoff for key in record_keys):
            kept.append(record)
        else:
            skipped += len(record_keys)
    return kept, skipped


def record_entries(case, records, *, limit=None):
    """The timeline entries of the case's records. With `limit`, entries that cannot be among
    the newest `limit` are not built; returns (entries, how many were not built)."""
    _ = _messages()
    link_to = _Links()
    entries = []
    add = entries.append
    measures, skipped_measures = _newest(records["measures"], _measure_keys, limit)
    letters, skipped_letters = _newest(records["letters"], _letter_keys, limit)

    for r in records["requests"]:
        add(
            Entry(
                at=r.received_at,
                kind="request",
                tone="primary",
                title=_("Solicitud de incorporación recibida (%(p)s)")
                % {"p": r.get_procedure_display()},
                detail=_("%(role)s: %(p)s · Vía: %(c)s")
                % {
                    "role": petitioner_label(r),
                    "p": r.petitioner,
                    "c": r.get_channel_display(),
                },
                actor=_name(r.registered_by),
            )
        )

    adm = records["admissibility"]
    if adm is not None:
        add(
            Entry(
                at=adm.decided_at,
                kind="admissibility",
                tone="success" if adm.admitted else "danger",
                title=_("Solicitud admitida") if adm.admitted else _("Solicitud no admitida"),
                detail=", ".join(str(reason) for reason in adm.reason_list),
                actor=_name(adm.decided_by),
            )
        )

    for a in records["aggressions"]:
        add(
            Entry(
                at=_day(a.occurred_on),
                date_only=True,
                kind="aggression",
                tone="danger",
                title=(_("Agresión grave: %(t)s") if a.gravest else _("Agresión: %(t)s"))
                % {"t": ", ".join(str(t) for t in a.type_list)},
                detail=_("%(aggressor)s · %(state)s")
                % {"aggressor": a.get_presumed_aggressor_display(), "state": a.state},
                actor=_name(a.recorded_by),
            )
        )

    for e in records["external"]:
        add(
            Entry(
                at=_day(e.granted_on),
                date_only=True,
                kind="external",
                tone="warning",
                title=_("Protección de otro organismo: %(b)s") % {"b": e},
                detail=str(e.risk_level_found or e.risk_level_text or ""),
            )
        )

    for c in records["consents"]:
        who = str(c.person or c.third_party_user or c.third_party_name or "")
        if c.given_at:
            add(
                Entry(
                    at=c.given_at,
                    kind="consent",
                    tone="success",
                    title=_("Consentimiento otorgado: %(p)s") % {"p": c.get_purpose_display()},
                    detail=who,
                    actor=_name(c.recorded_by),
                )
            )
        if c.withdrawn_at:
            add(
                Entry(
                    at=c.withdrawn_at,
                    kind="consent",
                    tone="warning",
                    title=_("Consentimiento revocado: %(p)s") % {"p": c.get_purpose_display()},
                    detail=who,
                )
            )

    for ia in records["assessments"]:
        add(
            Entry(
                at=ia.performed_at,
                kind="assessment",
                tone="primary",
                title=_("Estudio de acción inmediata"),
                detail=_("Peligro inminente confirmado")
                if ia.imminent_danger_confirmed
                else _("No se confirma peligro inminente"),
                actor=_name(ia.performed_by),
            )
        )

    for s in records["studies"]:
        link = link_to("risk:study_detail", s.pk)
        kind = s.get_kind_display()
        add(
            Entry(
                at=s.requested_at,
                kind="study",
                tone="primary",
                url=link,
                title=_("Estudio de riesgo asignado: %(k)s") % {"k": kind},
                actor=_name(s.analyst),
            )
        )
        if s.submitted_at:
            add(
                Entry(
                    at=s.submitted_at,
                    kind="study",
                    tone="primary",
                    url=link,
                    title=_("Estudio de riesgo enviado para aprobación: %(k)s") % {"k": kind},
                    actor=_name(s.analyst),
                )
            )
        if s.approved_at:
            add(
                Entry(
                    at=s.approved_at,
                    kind="study",
                    tone="success",
                    url=link,
                    title=_("Estudio de riesgo aprobado: %(k)s") % {"k": kind},
                    detail=_("Nivel resultante: %(l)s") % {"l": s.resulting_level or "—"},
                    actor=_name(s.approved_by),
                )
            )

    for rv in records["reevaluations"]:
        add(
            Entry(
                at=rv.requested_at,
                kind="study",
                tone="primary",
                title=_("Revaluación abierta: %(t)s") % {"t": rv.get_trigger_display()},
                detail=rv.reason,
                actor=_name(rv.requested_by),
            )
        )

    for d in records["decisions"]:
        if d.confirmed_at:
            add(
                Entry(
                    at=d.confirmed_at,
                    kind="decision",
                    tone="success",
                    title=_("Acuerdo de la Junta %(n)s: %(r)s")
                    % {"n": d.number, "r": d.get_resolution_display()},
                    detail=str(d.session or ""),
                    actor=_name(d.confirmed_by),
                )
            )
        if d.notified_at:
            add(
                Entry(
                    at=d.notified_at,
                    kind="decision",
                    tone="primary",
                    title=_("Acuerdo %(n)s comunicado a las autoridades") % {"n": d.number},
                )
            )

    for m in measures:
        link = link_to("measures:measure_detail", m.pk)
        label = _("%(m)s para %(p)s") % {"m": m.measure_type, "p": _party_name(m.covered)}
        add(
            Entry(
                at=m.granted_at,
                kind="measure",
                tone="success",
                url=link,
                title=_("Medida otorgada (%(o)s): %(l)s")
                % {"o": m.get_origin_display(), "l": label},
                detail=str(m.authority),
            )
        )
        if m.notified_at and m.notified_at != m.granted_at:
            add(
                Entry(
                    at=m.notified_at,
                    order=1,
                    kind="measure",
                    tone="primary",
                    url=link,
                    title=_("Medida comunicada: %(l)s") % {"l": label},
                )
            )
        if m.implemented_at:
            add(
                Entry(
                    at=m.implemented_at,
                    order=2,
                    kind="measure",
                    tone="success",
                    url=link,
                    title=_("Medida implementada: %(l)s") % {"l": label},
                )
            )
        if m.ended_at:
            add(
                Entry(
                    at=m.ended_at,
                    order=3,
                    kind="measure",
                    tone="secondary",
                    url=link,
                    title=_("Medida concluida: %(l)s") % {"l": label},
                    detail=m.get_end_reason_display(),
                )
            )

    for ev in records["events"]:
        add(
            Entry(
                at=ev.occurred_at,
                kind="event",
                tone="danger" if ev.outcome == "failed" else "info",
                url=link_to("measures:measure_detail", ev.measure_id),
                title=_("%(k)s: %(m)s")
                % {"k": ev.get_kind_display(), "m": ev.measure.measure_type},
                detail=f"{ev.get_outcome_display()} · {ev.notes}",
                actor=_name(ev.recorded_by),
            )
        )

    for c in records.get("contacts", ()):
        detail = [c.request[:120]]
        if c.authority_id:
            detail.append(_("Autoridad: %(a)s") % {"a": c.authority})
        if c.is_emergency:
            if c.help_arrived_at:
                detail.append(_("la ayuda llegó en %(n)s min") % {"n": c.response_minutes})
            else:
                detail.append(_("sin llegada de ayuda registrada"))
            if c.is_late():
                detail.append(_("respuesta tardía"))
        add(
            Entry(
                at=c.received_at,
                kind="contact",
                tone="danger" if c.is_emergency else "info",
                url=link_to("cases:contacts", case.pk) + f"#contacto-{c.pk}",
                title=_("Bitácora: %(k)s") % {"k": c.get_kind_display()},
                detail=" · ".join(str(d) for d in detail),
                actor=_name(c.recorded_by),
            )
        )

    for letter in letters:
        recipient = str(letter.recipient_authority or _party_name(letter.recipient_party))
        in_portal = letter.delivered_in_portal
        for at, title in (
            (letter.generated_at, _("Oficio %(n)s generado")),
            (
                letter.sent_at,
                _("Oficio %(n)s entregado por el portal de autoridades")
                if in_portal
                else _("Oficio %(n)s enviado"),
            ),
            (
                letter.acknowledged_at,
                _("Acuse del oficio %(n)s en el portal de autoridades")
                if letter.acknowledged_by_id
                else _("Acuse del oficio %(n)s"),
            ),
        ):
            if at:
                add(
                    Entry(
                        at=at,
                        kind="letter",
                        tone="primary",
                        title=title % {"n": letter.number},
                        detail=_("Para: %(r)s") % {"r": recipient},
                    )
                )

    for h in records["holds"]:
        add(
            Entry(
                at=_day(h.issued_on),
                date_only=True,
                kind="hold",
                tone="warning",
                title=_("Suspensión judicial: %(c)s %(r)s") % {"c": h.court, "r": h.reference},
                detail=str(h.measure.measure_type) if h.measure_id else _("Todo el expediente"),
                actor=_name(h.recorded_by),
            )
        )
        if h.lifted_on:
            add(
                Entry(
                    at=_day(h.lifted_on),
                    date_only=True,
                    kind="hold",
                    tone="secondary",
                    title=_("Suspensión judicial levantada: %(r)s") % {"r": h.reference},
                )
            )

    for rq in records["rediscussions"]:
        add(
            Entry(
                at=rq.received_at,
                kind="rediscussion",
                tone="warning",
                title=_("Solicitud de nueva discusión recibida: %(who)s")
                % {"who": rq.requested_by_name},
                detail=rq.reason,
                actor=_name(rq.recorded_by),
            )
        )
        if rq.answered_at:
            add(
                Entry(
                    at=rq.answered_at,
                    kind="rediscussion",
                    tone="success",
                    title=_("Nueva discusión resuelta por la Junta: acuerdo %(n)s")
                    % {"n": rq.answered_by_decision.number if rq.answered_by_decision else "—"},
                )
            )

    for item in records["proposals"]:
        add(
            Entry(
                at=item.proposed_at or item.session.scheduled_at,
                kind="proposal",
                tone="warning",
                title=_("Modificación de medidas propuesta a la Junta (%(s)s)")
                % {"s": item.session},
                detail=item.reason,
                actor=_name(item.proposed_by),
            )
        )

    for ap in records["appeals"]:
        add(
            Entry(
                at=ap.filed_at,
                kind="appeal",
                tone="warning",
                url=link_to("measures:appeal_detail", ap.pk),
                title=_("Inconformidad presentada (%(t)s)") % {"t": ap.get_track_display()},
                detail=str(ap.against_decision or _("Por deficiente implementación")),
                actor=_name(ap.recorded_by),
            )
        )
        if ap.consejo_ruled_at:
            add(
                Entry(
                    at=ap.consejo_ruled_at,
                    kind="appeal",
                    tone="primary",
                    title=_("Dictamen del Consejo Consultivo sobre la inconformidad"),
                )
            )
        if ap.ruled_at:
            add(
                Entry(
                    at=ap.ruled_at,
                    kind="appeal",
                    tone="success",
                    title=_("Inconformidad resuelta: %(s)s") % {"s": ap.get_status_display()},
                )
            )

    # Documents: the case page puts in only those the reader may see (documents.selectors).
    for doc in records.get("documents", ()):
        add(
            Entry(
                at=doc.uploaded_at,
                kind="document",
                tone="secondary",
                title=_("Documento agregado: %(c)s") % {"c": doc.category},
                detail=f"{doc.original_name} · {doc.description[:120]}",
                actor=_name(doc.uploaded_by),
                url=link_to("documents:detail", doc.pk),
            )
        )
    return entries, skipped_measures + skipped_letters


def case_timeline(case, records, *, can_see_contact, limit=TIMELINE_PAGE):
    """(entries newest first, truncated?)."""
    entries, not_built = record_entries(case, records, limit=limit)
    entries += history_entries(
        case, records["parties"], can_see_contact=can_see_contact, limit=limit
    )
    entries.sort(key=lambda e: (e.at, e.order), reverse=True)
    return entries[:limit], len(entries) + not_built > limit
