"""The Django admin of the deadlines: overdue flags, notifications, periodic runs. All read-only:
the sweep and the tasks write these rows; the schedule itself is at /avisos/programacion/."""

from django.contrib import admin

from cases.admin_scope import CaseDataAdmin
from cases.selectors import case_list_for
from protection.models import Role

from .models import Notification, OverdueFlag, PeriodicRun


class ReadOnlyAdmin(CaseDataAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OverdueFlag)
class OverdueFlagAdmin(ReadOnlyAdmin):
    list_display = (
        "clock",
        "subject_type",
        "subject_id",
        "case",
        "due_at",
        "raised_at",
        "responsible",
        "escalation_level",
        "cleared_at",
        "done_at",
    )
    list_filter = (
        "clock",
        "subject_type",
        "escalation_level",
        ("cleared_at", admin.EmptyFieldListFilter),
    )
    list_select_related = ("case", "responsible")
    search_fields = ("case__file_number", "responsible__username")
    date_hierarchy = "due_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = (
        "recipient",
        "kind",
        "urgent",
        "created_at",
        "read_at",
        "email_status",
        "email_attempts",
        "emailed_at",
    )
    list_filter = ("kind", "urgent", "email_status")
    list_select_related = ("recipient", "flag")
    search_fields = ("recipient__username", "flag__case__file_number")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Case content through the flag's case, scoped like every case record.
        queryset = super().get_queryset(request)
        user = request.user
        if user.role == Role.COORDINATOR:
            return queryset
        return queryset.filter(flag__case__isnull=True) | queryset.filter(
            flag__case__in=case_list_for(user).values("pk")
        )


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ("name", "last_started_at", "last_finished_at", "last_result")
    search_fields = ("name",)
