"""The Django admin of case documents and their categories."""

from django.contrib import admin

from cases.admin_scope import CaseDataAdmin

from .models import Document, DocumentCategory


@admin.register(DocumentCategory)
class DocumentCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        return False  # categories in use are kept; deactivate instead


@admin.register(Document)
class DocumentAdmin(CaseDataAdmin):
    """Read-only: documents are attached, replaced and withdrawn on the case pages (the
    services), and their contents are served only through the checked views."""

    list_display = ("__str__", "case", "status", "uploaded_by", "uploaded_at")
    list_filter = ("status", "category")
    exclude = ("display_file", "original_file")
