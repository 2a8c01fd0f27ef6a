"""The Django admin of the cases app: read-mostly for case data, changes through admin actions that
call the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from protection.admin import NoDeleteAdmin
from protection.reports import reasons as reason_counts

from .admin_scope import CaseDataAdmin
from .models import (
    AdmissibilityDecision,
    AdmissibilityReason,
    Aggression,
    AggressionType,
    Case,
    CasePerson,
    Collective,
    Consent,
    ContactLogEntry,
    ExternalProtection,
    Handover,
    HandoverCase,
    Person,
    ProtectionRequest,
    State,
)

PERSON_SEARCH = ("given_names", "family_names", "preferred_name", "organisation")


@admin.register(State)
class StateAdmin(CaseDataAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Person)
class PersonAdmin(CaseDataAdmin):
    list_display = (
        "__str__",
        "gender",
        "profile_type",
        "field_of_work",
        "organisation",
        "state",
        "created_at",
    )
    list_filter = ("gender", "profile_type", "field_of_work", "indigenous", "rural", "state")
    search_fields = PERSON_SEARCH
    date_hierarchy = "created_at"
    list_select_related = ("state",)
    fieldsets = (
        (None, {"fields": ("given_names", "family_names", "preferred_name", "gender")}),
        (
            _("Identidad y accesibilidad"),
            {
                "fields": (
                    "birth_year",
                    "indigenous",
                    "ethnic_identity",
                    "languages",
                    "needs_interpreter",
                    "disability",
                )
            },
        ),
        (_("Labor"), {"fields": ("profile_type", "field_of_work", "organisation")}),
        (_("Ubicación"), {"fields": ("state", "municipality", "rural")}),
        (
            _("Contacto y domicilio (datos sensibles)"),
            {
                "classes": ("collapse",),
                "fields": ("phone", "email", "home_address", "safe_contact_notes"),
            },
        ),
    )


@admin.register(Collective)
class CollectiveAdmin(CaseDataAdmin):
    list_display = ("name", "kind", "profile_type", "field_of_work", "state", "member_count")
    list_filter = ("kind", "profile_type", "field_of_work", "rural", "state")
    search_fields = ("name", "municipality")
    date_hierarchy = "created_at"
    list_select_related = ("state",)


class CasePersonInline(NoDeleteAdmin, admin.TabularInline):
    model = CasePerson
    fields = (
        "person",
        "collective",
        "role",
        "relationship",
        "from_date",
        "to_date",
        "added_by_risk_study",
    )
    autocomplete_fields = ("person", "collective")
    extra = 0
    show_change_link = True


class ProtectionRequestInline(NoDeleteAdmin, admin.TabularInline):
    """Requests are registered through the intake service; here they are only shown."""

    model = ProtectionRequest
    fields = (
        "received_at",
        "channel",
        "procedure",
        "petitioner",
        "declares_imminent_danger",
        "registered_by",
    )
    # `petitioner` is the model's property, not a field: an inline's form (read-only or not)
    # is built from model fields, so it is named here to be shown as text.
    readonly_fields = ("petitioner",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("petitioner_person", "petitioner_collective", "registered_by")
        )

    @admin.display(description=_("peticionaria"))
    def petitioner(self, obj):
        return obj.petitioner


@admin.register(Case)
class CaseAdmin(CaseDataAdmin):
    list_display = (
        "file_number",
        "status",
        "procedure",
        "assigned_officer",
        "current_risk_level",
        "opened_at",
        "next_deadline_at",
        "closed_at",
    )
    list_filter = (
        "status",
        "procedure",
        "closure_reason",
        ("assigned_officer", admin.RelatedOnlyFieldListFilter),
        "current_risk_level",
        "opened_at",
    )
    search_fields = (
        "file_number",
        "parties__person__given_names",
        "parties__person__family_names",
        "parties__person__preferred_name",
        "parties__collective__name",
    )
    date_hierarchy = "opened_at"
    list_select_related = ("assigned_officer", "current_risk_level")
    autocomplete_fields = ("assigned_officer",)
    inlines = (CasePersonInline, ProtectionRequestInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "file_number",
                    "status",
                    "procedure",
                    "assigned_officer",
                    "unit",
                    "opened_at",
                    "summary",
                    "current_risk_level",
                    "beneficiary_requested_presence",
                )
            },
        ),
        (
            _("Plazos"),
            {
                "fields": (
                    "urgent_issue_due_at",
                    "urgent_issued_at",
                    "urgent_implement_due_at",
                    "urgent_implemented_at",
                    "risk_study_due_at",
                    "reevaluation_due_at",
                    "next_deadline_at",
                )
            },
        ),
        (_("Conclusión"), {"fields": ("closed_at", "closure_reason", "closure_notes")}),
    )


@admin.register(ProtectionRequest)
class ProtectionRequestAdmin(CaseDataAdmin):
    list_display = (
        "case",
        "received_at",
        "channel",
        "procedure",
        "petitioner",
        "declares_imminent_danger",
        "registered_by",
    )
    list_filter = (
        "channel",
        "procedure",
        "declares_imminent_danger",
        "acting_on_behalf",
        "received_at",
    )
    search_fields = (
        "case__file_number",
        "petitioner_person__given_names",
        "petitioner_person__family_names",
        "petitioner_person__preferred_name",
        "petitioner_collective__name",
    )
    date_hierarchy = "received_at"
    list_select_related = (
        "case",
        "petitioner_person",
        "petitioner_collective",
        "registered_by",
    )
    autocomplete_fields = ("case", "petitioner_person", "petitioner_collective")

    @admin.display(description=_("peticionaria"))
    def petitioner(self, obj):
        return obj.petitioner


@admin.register(CasePerson)
class CasePersonAdmin(CaseDataAdmin):
    list_display = (
        "case",
        "party",
        "role",
        "relationship",
        "from_date",
        "to_date",
        "added_by_risk_study",
    )
    list_filter = ("role", "added_by_risk_study", "from_date")
    search_fields = (
        "case__file_number",
        "person__given_names",
        "person__family_names",
        "person__preferred_name",
        "collective__name",
    )
    list_select_related = ("case", "person", "collective")
    autocomplete_fields = ("case", "person", "collective")

    @admin.display(description=_("persona o colectivo"))
    def party(self, obj):
        return obj.party


@admin.register(Consent)
class ConsentAdmin(CaseDataAdmin):
    list_display = (
        "case",
        "person",
        "purpose",
        "third_party",
        "given_at",
        "withdrawn_at",
        "active",
    )
    list_filter = (
        "purpose",
        ("given_at", admin.EmptyFieldListFilter),
        ("withdrawn_at", admin.EmptyFieldListFilter),
    )
    search_fields = (
        "case__file_number",
        "person__given_names",
        "person__family_names",
        "third_party_name",
        "third_party_user__username",
    )
    list_select_related = ("case", "person", "third_party_user")
    autocomplete_fields = ("case", "person", "third_party_user")

    @admin.display(description=_("tercero autorizado"))
    def third_party(self, obj):
        return obj.third_party_user or obj.third_party_name

    @admin.display(description=_("vigente"), boolean=True)
    def active(self, obj):
        return obj.is_active


@admin.register(AggressionType)
class AggressionTypeAdmin(CaseDataAdmin):
    list_display = ("name", "code", "gravest")
    list_filter = ("gravest",)
    search_fields = ("name", "code")


@admin.register(Aggression)
class AggressionAdmin(CaseDataAdmin):
    list_display = (
        "case",
        "occurred_on",
        "state",
        "presumed_aggressor",
        "reported_to",
        "investigation_status",
        "after_request",
    )
    list_filter = (
        "presumed_aggressor",
        "reported_to",
        "investigation_status",
        "after_request",
        "types",
        "state",
        "occurred_on",
    )
    search_fields = (
        "case__file_number",
        "complaint_reference",
        "municipality",
        "place",
    )
    date_hierarchy = "occurred_on"
    list_select_related = ("case", "state")
    autocomplete_fields = ("case", "victim")
    filter_horizontal = ("types",)


@admin.register(ExternalProtection)
class ExternalProtectionAdmin(CaseDataAdmin):
    list_display = (
        "case",
        "body",
        "reference",
        "granted_on",
        "risk_level_found",
        "risk_level_text",
        "active",
    )
    list_filter = ("body", "active", "granted_on")
    search_fields = ("case__file_number", "reference", "body_detail")
    date_hierarchy = "granted_on"
    list_select_related = ("case", "risk_level_found")
    autocomplete_fields = ("case",)


@admin.register(ContactLogEntry)
class ContactLogEntryAdmin(CaseDataAdmin):
    """Read-mostly like all case data: entries are recorded and corrected from the case's
    contact log page (cases.services_contacts), which keeps the reason of each correction."""

    list_display = ("case", "kind", "received_at", "authority", "help_arrived_at", "recorded_by")
    list_filter = ("kind", "authority", "received_at")
    search_fields = ("case__file_number", "contact_person")
    date_hierarchy = "received_at"
    list_select_related = ("case", "authority", "recorded_by")
    autocomplete_fields = ("case", "authority", "repairs")


@admin.register(AdmissibilityReason)
class AdmissibilityReasonAdmin(CaseDataAdmin):
    list_display = ("name", "code", "for_admission", "active")
    list_filter = ("for_admission", "active")
    search_fields = ("name", "code")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "for_admission" in form.changed_data:
            # The indicators count a reason only for decisions of its kind: every case that
            # gave this one now counts differently (protection/reports/reasons.py).
            reason_counts.rebuild()


@admin.register(AdmissibilityDecision)
class AdmissibilityDecisionAdmin(CaseDataAdmin):
    list_display = ("case", "admitted", "decided_by", "decided_at")
    list_filter = ("admitted", "reasons", "decided_at")
    search_fields = ("case__file_number",)
    date_hierarchy = "decided_at"
    list_select_related = ("case", "decided_by")
    autocomplete_fields = ("case", "decided_by")
    filter_horizontal = ("reasons",)


@admin.register(Handover)
class HandoverAdmin(CaseDataAdmin):
    """Handovers are recorded by the coordinator's handover page (cases/handover.py), once."""

    list_display = ("decided_at", "from_officer", "to_officer", "decided_by")
    list_select_related = ("from_officer", "to_officer", "decided_by")


@admin.register(HandoverCase)
class HandoverCaseAdmin(CaseDataAdmin):
    list_display = ("handover", "case")
    search_fields = ("case__file_number",)
    list_select_related = ("handover__from_officer", "handover__to_officer", "case")
