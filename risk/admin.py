"""The Django admin of the risk app: read-mostly for case data."""

from django.contrib import admin

from cases.admin_scope import CaseDataAdmin
from protection.admin import NoDeleteAdmin

from .models import (
    FactorScore,
    ImmediateActionAssessment,
    ProposedMeasure,
    Reevaluation,
    RiskFactor,
    RiskLevel,
    RiskScale,
    RiskStudy,
)


class RiskLevelInline(NoDeleteAdmin, admin.TabularInline):
    model = RiskLevel
    fields = ("rank", "code", "name", "min_score", "description")
    extra = 0


@admin.register(RiskScale)
class RiskScaleAdmin(CaseDataAdmin):
    list_display = ("name", "active")
    list_filter = ("active",)
    search_fields = ("name",)
    inlines = (RiskLevelInline,)


@admin.register(RiskLevel)
class RiskLevelAdmin(CaseDataAdmin):
    list_display = ("name", "scale", "code", "rank", "min_score")
    list_filter = ("scale",)
    search_fields = ("name", "code")
    list_select_related = ("scale",)


@admin.register(RiskFactor)
class RiskFactorAdmin(CaseDataAdmin):
    list_display = (
        "name",
        "code",
        "group",
        "weight",
        "max_score",
        "reduces_risk",
        "order",
        "active",
    )
    list_filter = ("group", "reduces_risk", "active")
    search_fields = ("name", "code", "question")


@admin.register(ImmediateActionAssessment)
class ImmediateActionAssessmentAdmin(CaseDataAdmin):
    list_display = ("case", "performed_at", "performed_by", "imminent_danger_confirmed")
    list_filter = ("imminent_danger_confirmed", "performed_at")
    search_fields = ("case__file_number",)
    date_hierarchy = "performed_at"
    list_select_related = ("case", "performed_by")
    autocomplete_fields = ("case", "performed_by")


class FactorScoreInline(NoDeleteAdmin, admin.TabularInline):
    model = FactorScore
    fields = ("factor", "score", "reasoning")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("factor")


class ProposedMeasureInline(NoDeleteAdmin, admin.TabularInline):
    model = ProposedMeasure
    fields = ("measure_type", "covered", "duration_months", "context_notes")
    autocomplete_fields = ("covered",)
    extra = 0


@admin.register(RiskStudy)
class RiskStudyAdmin(CaseDataAdmin):
    list_display = (
        "case",
        "kind",
        "status",
        "analyst",
        "requested_at",
        "due_at",
        "weighted_score",
        "resulting_level",
        "approved_at",
    )
    list_filter = (
        "status",
        "kind",
        "resulting_level",
        ("analyst", admin.RelatedOnlyFieldListFilter),
        "due_at",
    )
    search_fields = ("case__file_number", "analyst__username", "analyst__last_name")
    date_hierarchy = "requested_at"
    list_select_related = ("case", "analyst", "resulting_level")
    autocomplete_fields = ("case", "analyst", "approved_by")
    inlines = (FactorScoreInline, ProposedMeasureInline)


@admin.register(FactorScore)
class FactorScoreAdmin(CaseDataAdmin):
    list_display = ("study", "factor", "score")
    list_filter = ("factor__group", "factor")
    search_fields = ("study__case__file_number", "factor__name", "factor__code")
    list_select_related = ("study__case", "factor")
    autocomplete_fields = ("study",)


@admin.register(ProposedMeasure)
class ProposedMeasureAdmin(CaseDataAdmin):
    list_display = ("study", "measure_type", "covered", "duration_months")
    list_filter = ("measure_type__category",)
    search_fields = ("study__case__file_number", "measure_type__name")
    list_select_related = (
        "study__case",
        "measure_type",
        "covered__person",
        "covered__collective",
    )
    autocomplete_fields = ("study", "covered")


@admin.register(Reevaluation)
class ReevaluationAdmin(CaseDataAdmin):
    list_display = ("case", "trigger", "requested_at", "requested_by", "study")
    list_filter = ("trigger", "requested_at")
    search_fields = ("case__file_number",)
    date_hierarchy = "requested_at"
    list_select_related = ("case", "requested_by", "study__case")
    autocomplete_fields = ("case", "requested_by", "study")
