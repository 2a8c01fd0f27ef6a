"""Case pages: the case list (search, filters, sorting) and the case page with its timeline.
Reads go through the scoped selectors; the step pages (forms) live in their own views."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from measures.board.lifecycle import appeal_next_step
from measures.board.selectors import member_items_for_case
from measures.models import AgendaItemStatus, MeasureOrigin
from protection import access

from . import tallies
from .documents.records import kind_for
from .documents.selectors import case_page_documents, documents_by_record
from .filters import CaseFilter
from .home import HomeReads, handled_stage_counts
from .lifecycle import CASE
from .list_reads import CaseListing
from .models import ADMITTED_STATUSES, Case, CaseStatus, Procedure
from .records import case_records
from .rows import case_rows
from .selectors import case_get_for, case_header_list_for, sees_record_of
from .timeline import TIMELINE_PAGE, case_timeline

PAGE_SIZE = 50
CONTACTS_ON_CASE_PAGE = 5
TIMELINE_MAX = 100_000


def _require_case_view(user):
    if not access.can(user, "case.view"):
        raise PermissionDenied


class CaseListPaginator(Paginator):
    """Pages the list's display rows (`rows`, read as values with the officer and risk level
    joined) and counts the cases themselves (`cases`: anything with a count()).
    Counted through the rows' query, the joins made PostgreSQL read the whole case table (28 ms
    at 100,000 cases) where the plain count reads an index (9 ms); `total`, when given, is the
    count already known (kept or prepared counts, see _known_total)."""

    def __init__(self, rows, per_page, *, cases, total=None):
        super().__init__(rows, per_page)
        self._cases = cases
        self._total = total

    @cached_property
    def count(self):
        return self._total if self._total is not None else self._cases.count()


# The list's order: the clock that runs out first on top, then the newest.
LIST_ORDER = (F("next_deadline_at").asc(nulls_last=True), "-opened_at", "-pk")


def _list_base(user):
    """Headers of every case `user` may know exists (reception: all, to find duplicates and
    urgent requests), in the list's order; `file_open` says which rows link to their file."""
    return case_header_list_for(user).order_by(*LIST_ORDER)


def _known_total(user, file_key):
    """The number of cases of the unfiltered list without counting them through the list's own
    query, or None. Every case (a header reach of ALL): the sum of the kept counts per stage
    (cases.tallies), no query at all. An analyst's or follow-up officer's scope, where headers
    reach exactly as far as files (`file_key`: scope_key(user)): the per-stage counts the home
    page shows (whole stages from the status index, the other cases they handle by id), not a
    scan of every case testing the scope's conditions (45 ms of SQL at 100,000 cases)."""
    readers = access.readers_for(user)
    if any(access.reach(r.key, access.CASE_HEADER)[0] == access.ALL for r in readers):
        return sum(tallies.stage_counts().values())
    if (
        file_key is not None
        and file_key[2] == (access.HANDLED,)
        and not access.sees_headers_only_somewhere(user)
    ):
        # The home page's count of a handled scope, its prepared reads shared with "Mi trabajo".
        return sum(handled_stage_counts(user, HomeReads(user)).values())
    return None


@login_required
def case_list(request):
    user = request.user
    _require_case_view(user)
    # The filter set makes the form and validates the values; the listing reads the rows and the
    # count (cases/list_reads.py: prepared per scope and filters, else the ORM).
    case_filter = CaseFilter(request.GET or None, queryset=Case.objects.none(), request=request)
    listing = CaseListing(user, case_filter, _list_base, PAGE_SIZE, timezone.now())
    # Neither filtered nor searched (only paged or sorted): the count can be a known one.
    whole = all(key in ("page", "o") for key in request.GET)
    paginator = CaseListPaginator(
        listing,
        PAGE_SIZE,
        cases=listing,
        total=_known_total(user, listing.keys[1]) if whole else None,
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": case_filter.form,
        "page": page,
        "cases": case_rows(page.object_list),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "o")),
        # Risk levels are study results: not a column (nor a filter) where rows are headers.
        "headers_only": case_filter.headers_only,
    }
    template = "cases/_case_results.html" if request.htmx else "cases/list.html"
    return render(request, template, context)


# The page's sections, in order: (anchor, title).
SECTIONS = (
    ("resumen", _("Resumen")),
    ("personas", _("Personas")),
    ("solicitudes", _("Solicitudes")),
    ("agresiones", _("Agresiones")),
    ("otros-organismos", _("Otros organismos")),
    ("consentimientos", _("Consentimientos")),
    ("evaluacion", _("Evaluación de riesgo")),
    ("acuerdos", _("Acuerdos de la Junta")),
    ("medidas", _("Medidas")),
    ("contactos", _("Contactos y emergencias")),
    ("suspensiones", _("Suspensiones judiciales")),
    ("inconformidades", _("Inconformidades")),
    ("nueva-discusion", _("Nueva discusión")),
    ("oficios", _("Oficios")),
    ("documentos", _("Documentos")),
    ("historial", _("Historial")),
)

OPEN_STUDY_STATUSES = ("draft", "submitted", "returned")


def case_actions(user, case, records):
    """Which step buttons to show. A lifecycle step's button follows its one predicate
    (cases.lifecycle.CASE: role, state and legal conditions), the same the step page and the
    service apply; the other buttons follow the access policy and whether the case is open."""
    active = case.is_active
    extraordinary = case.procedure == Procedure.EXTRAORDINARY
    open_study = any(s.status in OPEN_STUDY_STATUSES for s in records["studies"])

    def may(action, allowed=True):
        return bool(allowed) and access.can(user, action)

    return {
        # Admit or reject: the same role, state and "not yet decided" rule (the form then says
        # what admission still needs, such as the beneficiary's consent).
        "admissibility": records["admissibility"] is None
        and CASE.allows(case, "reject", user=user, conditions=False),
        "party_add": may("case.edit_parties", active),
        "person_edit": may("case.edit_parties", active),
        "aggression_add": may("case.aggression"),
        "external_add": may("case.external_protection"),
        "consent_add": may("case.consent", active),
        "urgent_issue": CASE.allows(case, "urgent_measures_issue", user=user),
        # With the urgent measures (art. 26-III), and whenever a gravest aggression waits for
        # one (issue 14 §4).
        "immediate_assessment": may(
            "assessment.immediate",
            (extraordinary and case.status in (CaseStatus.RECEIVED, CaseStatus.URGENT_PROTECTION))
            or (active and any(a.needs_assessment for a in records["aggressions"])),
        ),
        "person_life_status": may("person.life_status"),
        "voluntary_exit": CASE.allows(case, "voluntary_exit", user=user),
        "study_open": may(
            "study.assign",
            case.status in (CaseStatus.RISK_EVALUATION, CaseStatus.REEVALUATION) and not open_study,
        ),
        "reevaluation_open": CASE.allows(case, "reevaluation_open", user=user),
        "event_add": may("measure.implementation"),
        "legal_hold_add": may("legal_hold.record", active),
        "assign": may("case.assign", active),
        "handover": may("case.handover", active),
        "consent_change": may("case.consent", active),
        "follow_up_assign": may("case.follow_up_assign", case.status in ADMITTED_STATUSES),
        # The coordination records both tracks; the reception unit the urgent one (art. 59).
        "appeal_file": may("appeal.record")
        or may("appeal.record_urgent", case.urgent_issued_at is not None),
        "rediscussion_add": may("board.manage"),
        "modification_propose": may(
            "measure.propose_modification",
            case.status in (CaseStatus.FOLLOW_UP, CaseStatus.REEVALUATION)
            and any(m.origin == MeasureOrigin.BOARD for m in records["measures"]),
        ),
    }


def case_clocks(case, records):
    """The case's own legal clocks for the summary: (label, due, done)."""
    approved = [s.approved_at for s in records["studies"] if s.approved_at]
    study_done = min(approved) if approved else None
    rows = []
    if case.urgent_issue_due_at:
        rows.append(
            (_("Emisión de medidas urgentes"), case.urgent_issue_due_at, case.urgent_issued_at)
        )
    if case.urgent_implement_due_at:
        rows.append(
            (
                _("Implementación de medidas urgentes"),
                case.urgent_implement_due_at,
                case.urgent_implemented_at,
            )
        )
    if case.risk_study_due_at:
        rows.append((_("Estudio de evaluación de riesgo"), case.risk_study_due_at, study_done))
    if case.reevaluation_due_at:
        rows.append((_("Revaluación periódica"), case.reevaluation_due_at, None))
    return rows


CASE_PAGE_RELATED = ("current_risk_level", "assigned_officer", "follow_up_officer")


@login_required
def case_detail(request, pk):
    user = request.user
    _require_case_view(user)
    # The header's risk level and officers in the same query as the case.
    case = case_get_for(user, pk, select_related=CASE_PAGE_RELATED)
    records = case_records(case, events_limit=TIMELINE_PAGE)
    _without_studies_unless_allowed(user, case, records)
    records["documents"] = _documents(user, case)
    can_see_contact = access.can(user, "case.edit_parties")
    timeline, truncated = case_timeline(
        case, records, can_see_contact=can_see_contact, limit=TIMELINE_PAGE
    )
    _only_openable_links(user, timeline)

    level_rank = case.current_risk_level.rank if case.current_risk_level_id else None
    for ext in records["external"]:
        ext.higher_than_case = bool(
            ext.risk_level_found_id
            and level_rank is not None
            and ext.risk_level_found.rank > level_rank
        )
    for appeal in records["appeals"]:
        appeal.next_step = appeal_next_step(appeal)
    parties = records["parties"]
    context = {
        "case": case,
        "records": records,
        "current_parties": [p for p in parties if p.to_date is None],
        "past_parties": [p for p in parties if p.to_date is not None],
        "timeline": timeline,
        "timeline_next": len(timeline) if truncated else None,
        "actions": case_actions(user, case, records),
        "sections": [
            (anchor, title)
            for anchor, title in SECTIONS
            if anchor != "contactos" or access.view_allowed(user, "cases:contacts") is True
        ],
        "can_see_contact": can_see_contact,
        "external_higher": [e for e in records["external"] if e.higher_than_case and e.active],
        "active_holds": [h for h in records["holds"] if h.lifted_on is None],
        "case_clocks": case_clocks(case, records),
        "pending_proposals": [
            p for p in records["proposals"] if p.status == AgendaItemStatus.PENDING
        ],
        "open_measures": [m for m in records["measures"] if m.ended_at is None],
        "ended_measures": [m for m in records["measures"] if m.ended_at is not None],
        "documents": records["documents"],
        "docs_by_record": documents_by_record(records["documents"]),
        "may_upload_documents": access.can(user, "document.upload"),
        # The contact log: the newest entries here, the whole log on its own page.
        "recent_contacts": records["contacts"][:CONTACTS_ON_CASE_PAGE],
        "may_see_contacts": access.view_allowed(user, "cases:contacts") is True,
        "may_record_contacts": access.can(user, "contact.record") and case.is_active,
        # Gravest aggressions still waiting for an immediate-action assessment.
        "gravest_pending": [a for a in records["aggressions"] if a.needs_assessment],
        # A Board member reaches a case at this page (every link to it points here); the
        # session's dossier and observations are one link away.
        "board_items": (
            member_items_for_case(user, case) if user.role in access.BOARD_ROLES else []
        ),
    }
    return render(request, "cases/detail.html", context)


def _without_studies_unless_allowed(user, case, records):
    """Risk studies of the case only for readers whose need-to-know covers them (reception
    does not): otherwise they are left out of the page and the timeline, not just unlinked."""
    records["shows_studies"] = sees_record_of(user, case, access.RISK_STUDY)
    if not records["shows_studies"]:
        records["studies"] = []
    return records


def _only_openable_links(user, entries):
    """Drop timeline links to pages the user's role may not open (a Board member is not
    offered the risk study, which would answer 403); the entry stays, without its link."""
    allowed = {}
    resolved = {}  # the name a link was reversed from -> the page its first link resolved to
    for entry in entries:
        if not entry.url:
            continue
        reversed_from = getattr(entry.url, "view", None)
        name = resolved.get(reversed_from)
        if name is None:
            try:
                name = resolve(entry.url.split("?")[0].split("#")[0]).view_name
            except Resolver404:
                continue
            if reversed_from is not None:
                resolved[reversed_from] = name
        if name not in allowed:
            allowed[name] = access.view_allowed(user, name) is True
        if not allowed[name]:
            entry.url = ""
    return entries


def _documents(user, case):
    """The case's documents this user may see (one query), each with its record's kind."""
    documents = case_page_documents(user, case)
    for document in documents:
        kind = kind_for(document.record_kind)
        document.record_label = kind.label if kind else _("El expediente en general")
    return documents


@login_required
def case_timeline_more(request, pk):
    """Older timeline entries: `desde` entries are already shown; the next TIMELINE_PAGE come
    as list items for htmx to append, or as a page of their own without JavaScript."""
    user = request.user
    _require_case_view(user)
    case = case_get_for(user, pk)
    try:
        offset = max(0, int(request.GET.get("desde", TIMELINE_PAGE)))
    except ValueError:
        offset = TIMELINE_PAGE
    # No case has this many entries; a larger number is not a page of this timeline.
    if offset > TIMELINE_MAX:
        raise Http404
    limit = offset + TIMELINE_PAGE
    records = case_records(case, events_limit=limit)
    _without_studies_unless_allowed(user, case, records)
    records["documents"] = _documents(user, case)
    timeline, truncated = case_timeline(
        case, records, can_see_contact=access.can(user, "case.edit_parties"), limit=limit
    )
    _only_openable_links(user, timeline)
    context = {
        "case": case,
        "timeline": timeline[offset:],
        "timeline_start": offset + 1,
        "timeline_next": limit if truncated else None,
    }
    template = "cases/_timeline_more.html" if request.htmx else "cases/timeline_page.html"
    return render(request, template, context)
