"""The Django admin of the measures app: read-mostly for case data, changes through admin actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.admin_scope import CaseDataAdmin
from protection.admin import NoDeleteAdmin

from .models import (
    AgendaItem,
    Appeal,
    Attendance,
    AuthorityMember,
    BoardMember,
    BoardSession,
    Decision,
    DecisionLine,
    GrantedMeasure,
    ImplementationEvent,
    ImplementingAuthority,
    LegalHold,
    Letter,
    LetterBatch,
    MeasureType,
    Observation,
    RediscussionRequest,
    SessionWaiver,
)

# What a granted measure's __str__ reads ("measure type · covered person"), from a relation.
MEASURE_LABEL = ("measure_type", "covered__person", "covered__collective")


def related(prefix, names):
    return tuple(f"{prefix}__{name}" for name in names)


@admin.register(MeasureType)
class MeasureTypeAdmin(CaseDataAdmin):
    list_display = (
        "name",
        "code",
        "category",
        "legal_basis",
        "is_device",
        "needs_contact",
        "active",
    )
    list_filter = ("category", "is_device", "needs_contact", "active")
    search_fields = ("name", "code", "legal_basis")


class AuthorityMemberInline(NoDeleteAdmin, admin.TabularInline):
    """Who uses the authority's portal: read here, invited by the Coordination from its page
    (measures/services_authority.py), never added or removed in the admin."""

    model = AuthorityMember
    fields = ("user", "invited_by", "invited_at")
    extra = 0
    verbose_name_plural = _("usuarios del portal de autoridades")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "invited_by")


@admin.register(ImplementingAuthority)
class ImplementingAuthorityAdmin(CaseDataAdmin):
    list_display = ("name", "short_name", "level", "state", "subcontractor_of", "active")
    list_filter = ("level", "active", "state")
    search_fields = ("name", "short_name", "addressee_name", "addressee_post")
    list_select_related = ("state", "subcontractor_of")
    autocomplete_fields = ("subcontractor_of",)
    inlines = (AuthorityMemberInline,)


@admin.register(AuthorityMember)
class AuthorityMemberAdmin(CaseDataAdmin):
    """Portal users are invited by the Coordination (measures/services_authority.py); here
    they are read."""

    list_display = ("user", "authority", "invited_by", "invited_at")
    list_filter = ("authority__level",)
    search_fields = ("user__username", "user__email", "authority__name")
    list_select_related = ("user", "authority", "invited_by")


class AttendanceInline(NoDeleteAdmin, admin.TabularInline):
    model = Attendance
    fields = ("member", "present", "papers_sent_at")
    extra = 0


class AgendaItemInline(NoDeleteAdmin, admin.TabularInline):
    model = AgendaItem
    fields = (
        "position",
        "case",
        "kind",
        "status",
        "risk_study",
        "appeal",
        "beneficiary_requested_presence",
        "beneficiary_attended",
    )
    autocomplete_fields = ("case", "risk_study", "appeal")
    extra = 0
    show_change_link = True


@admin.register(BoardSession)
class BoardSessionAdmin(CaseDataAdmin):
    list_display = (
        "__str__",
        "kind",
        "number",
        "status",
        "scheduled_at",
        "papers_due_at",
        "papers_sent_at",
    )
    list_filter = ("kind", "status", "scheduled_at")
    search_fields = ("number__exact", "place")
    date_hierarchy = "scheduled_at"
    inlines = (AttendanceInline, AgendaItemInline)


@admin.register(BoardMember)
class BoardMemberAdmin(CaseDataAdmin):
    list_display = ("name", "seat", "institution", "user", "substitute_for", "active")
    list_filter = ("seat", "active")
    search_fields = ("name", "institution", "user__username")
    list_select_related = ("user", "substitute_for")
    autocomplete_fields = ("user", "substitute_for")


@admin.register(Attendance)
class AttendanceAdmin(CaseDataAdmin):
    list_display = ("session", "member", "present", "papers_sent_at")
    list_filter = ("present", "member__seat")
    search_fields = ("session__number__exact", "member__name")
    list_select_related = ("session", "member")
    autocomplete_fields = ("session", "member")


@admin.register(SessionWaiver)
class SessionWaiverAdmin(CaseDataAdmin):
    """Reasons are recorded from the session page (measures.services); here they are read."""

    list_display = ("session", "kind", "recorded_by", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("session__number__exact", "reason")
    list_select_related = ("session", "recorded_by")


@admin.register(AgendaItem)
class AgendaItemAdmin(CaseDataAdmin):
    list_display = (
        "session",
        "position",
        "case",
        "kind",
        "status",
        "beneficiary_requested_presence",
    )
    list_filter = ("kind", "status", "beneficiary_requested_presence")
    search_fields = ("case__file_number", "session__number__exact")
    list_select_related = ("session", "case")
    autocomplete_fields = ("session", "case", "risk_study", "appeal")


class DecisionLineInline(NoDeleteAdmin, admin.TabularInline):
    """The measures a decision grants, extends or ends: recorded while it is a draft."""

    model = DecisionLine
    fk_name = "decision"
    fields = (
        "action",
        "measure_type",
        "covered",
        "authority",
        "duration_months",
        "details",
        "target",
        "result",
    )
    autocomplete_fields = ("covered", "authority", "target")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*related("result", MEASURE_LABEL))


@admin.register(Decision)
class DecisionAdmin(CaseDataAdmin):
    """A confirmed decision changes only by a new decision: its row is read-only here."""

    list_display = (
        "number",
        "case",
        "resolution",
        "status",
        "session",
        "confirmed_at",
        "notified_at",
    )
    list_filter = ("status", "resolution", "withdrawal_ground", "confirmed_at")
    search_fields = ("number", "case__file_number")
    date_hierarchy = "confirmed_at"
    list_select_related = ("case", "session")
    autocomplete_fields = (
        "session",
        "agenda_item",
        "case",
        "confirmed_by",
        "supersedes",
    )
    inlines = (DecisionLineInline,)


@admin.register(DecisionLine)
class DecisionLineAdmin(CaseDataAdmin):
    """Frozen, like its decision, once the decision is confirmed."""

    list_display = ("decision", "action", "measure_type", "covered", "target", "result")
    list_filter = ("action", "decision__status", "measure_type__category")
    search_fields = ("decision__number", "decision__case__file_number", "measure_type__name")
    list_select_related = (
        "decision",
        "measure_type",
        "covered__person",
        "covered__collective",
        *related("target", MEASURE_LABEL),
        *related("result", MEASURE_LABEL),
    )
    autocomplete_fields = ("decision", "covered", "authority", "target", "result")


class ImplementationEventInline(NoDeleteAdmin, admin.TabularInline):
    model = ImplementationEvent
    fk_name = "measure"
    fields = (
        "kind",
        "occurred_at",
        "outcome",
        "response_minutes",
        "burden_amount",
        "resolves",
        "notes",
        "recorded_by",
    )
    autocomplete_fields = ("resolves",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(GrantedMeasure)
class GrantedMeasureAdmin(CaseDataAdmin):
    list_display = (
        "measure_type",
        "case",
        "covered",
        "authority",
        "status",
        "origin",
        "granted_at",
        "implementation_due_at",
        "implemented_at",
        "ended_at",
    )
    list_filter = (
        "status",
        "origin",
        "measure_type__category",
        "authority__level",
        "end_reason",
        ("responsible", admin.RelatedOnlyFieldListFilter),
        "granted_at",
    )
    search_fields = (
        "case__file_number",
        "measure_type__name",
        "authority__name",
        "authority__short_name",
        "covered__person__given_names",
        "covered__person__family_names",
        "covered__collective__name",
    )
    date_hierarchy = "granted_at"
    list_select_related = ("case", "authority", *MEASURE_LABEL)
    autocomplete_fields = (
        "case",
        "decision",
        "covered",
        "authority",
        "responsible",
        "ended_by_decision",
    )
    inlines = (ImplementationEventInline,)


@admin.register(ImplementationEvent)
class ImplementationEventAdmin(CaseDataAdmin):
    list_display = (
        "measure",
        "kind",
        "outcome",
        "occurred_at",
        "response_minutes",
        "recorded_by",
    )
    list_filter = ("kind", "outcome", "occurred_at")
    search_fields = ("measure__case__file_number", "measure__measure_type__name")
    date_hierarchy = "occurred_at"
    list_select_related = ("recorded_by", *related("measure", MEASURE_LABEL))
    autocomplete_fields = ("measure", "resolves")


@admin.register(LegalHold)
class LegalHoldAdmin(CaseDataAdmin):
    list_display = ("court", "reference", "case", "measure", "issued_on", "lifted_on", "active")
    list_filter = ("issued_on", ("lifted_on", admin.EmptyFieldListFilter))
    search_fields = ("reference", "court", "case__file_number")
    date_hierarchy = "issued_on"
    list_select_related = ("case", *related("measure", MEASURE_LABEL))
    autocomplete_fields = ("case", "measure")

    @admin.display(description=_("vigente"), boolean=True)
    def active(self, obj):
        return obj.is_active


@admin.register(Appeal)
class AppealAdmin(CaseDataAdmin):
    list_display = (
        "case",
        "track",
        "status",
        "filed_at",
        "against_decision",
        "ruling_due_at",
        "ruled_at",
        "upheld",
    )
    list_filter = ("track", "status", "upheld", "against_implementation", "filed_at")
    search_fields = ("case__file_number", "against_decision__number")
    date_hierarchy = "filed_at"
    list_select_related = ("case", "against_decision")
    autocomplete_fields = ("case", "against_decision", "new_study", "independent_study")


@admin.register(Letter)
class LetterAdmin(CaseDataAdmin):
    """Letters are generated from confirmed decisions, never typed: read-only here."""

    list_display = (
        "number",
        "decision",
        "recipient_kind",
        "recipient",
        "status",
        "version",
        "generated_at",
        "sent_at",
        "acknowledged_at",
    )
    list_filter = ("status", "recipient_kind", "generated_at")
    search_fields = (
        "number",
        "verification_code",
        "decision__number",
        "decision__case__file_number",
        "recipient_authority__name",
    )
    date_hierarchy = "generated_at"
    list_select_related = (
        "decision",
        "recipient_authority",
        "recipient_party__person",
        "recipient_party__collective",
    )

    @admin.display(description=_("dirigido a"))
    def recipient(self, obj):
        return obj.recipient_party or obj.recipient_authority


@admin.register(Observation)
class ObservationAdmin(CaseDataAdmin):
    list_display = ("agenda_item", "member", "author", "recorded_at")
    list_select_related = ("agenda_item__session", "agenda_item__case", "member", "author")
    search_fields = ("agenda_item__case__file_number", "member__name", "text")
    date_hierarchy = "recorded_at"
    raw_id_fields = ("agenda_item", "member", "author")


@admin.register(RediscussionRequest)
class RediscussionRequestAdmin(CaseDataAdmin):
    list_display = ("case", "requested_by_name", "received_at", "due_at", "status")
    list_filter = ("status",)
    list_select_related = ("case",)
    search_fields = ("case__file_number", "requested_by_name", "reason")
    date_hierarchy = "received_at"
    raw_id_fields = ("case", "agenda_item", "answered_by_decision")


@admin.register(LetterBatch)
class LetterBatchAdmin(CaseDataAdmin):
    """Generated by "generate all letters of this session"; read-only."""

    list_display = ("session", "requested_by", "requested_at")
    list_select_related = ("session", "requested_by")
    date_hierarchy = "requested_at"
