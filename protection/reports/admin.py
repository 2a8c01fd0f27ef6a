"""The Django admin of the reports: export jobs, read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from protection.security.admin import ReadOnlyAdmin
from protection.security.audit import seal_search

from . import exports
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
    # The file is case data and the search text may be a protected person's name: the admin
    # shows neither (the file is downloaded by whoever asked for it, through the app).
    exclude = ("file", "params")
    readonly_fields = ("filters",)

    @admin.display(description=_("filtros"))
    def filters(self, obj):
        return seal_search(exports.as_querydict(obj.params).urlencode())[0] or "—"
