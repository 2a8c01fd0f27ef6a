from django.contrib import admin

from protection.security.admin import ReadOnlyAdmin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """The export log: who exported which list, with which filters, when (written by the app)."""

    list_display = (
        "created_at",
        "requested_by",
        "requested_role",
        "kind",
        "file_format",
        "status",
        "rows_total",
        "download_count",
    )
    list_filter = ("kind", "file_format", "status")
    list_select_related = ("requested_by",)
    search_fields = ("requested_by__username",)
    date_hierarchy = "created_at"
