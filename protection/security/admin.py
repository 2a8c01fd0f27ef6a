from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, BreakGlass, KnownDevice


class ReadOnlyAdmin(admin.ModelAdmin):
    """Security records are written by the application only; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "username",
        "role",
        "action",
        "target",
        "case_id",
        "outcome",
        "ip_address",
    )
    list_filter = ("action", "outcome", "role")
    search_fields = ("username", "target", "path", "query", "=case_id")
    date_hierarchy = "at"
    show_full_result_count = False
    # What people searched for stays sealed here: it is read on its own page, with a reason,
    # and only under break-glass for the administration.
    exclude = ("search_sealed", "search_index")
    readonly_fields = ("search_terms",)

    @admin.display(description=_("términos de búsqueda"))
    def search_terms(self, obj):
        if not obj.search_index:
            return "—"
        return format_html(
            '{} · <a href="{}">{}</a>',
            _("cifrados"),
            reverse("security:audit_search_reveal", args=[obj.pk]),
            _("Ver con un motivo (sólo con acceso de emergencia abierto)"),
        )


@admin.register(BreakGlass)
class BreakGlassAdmin(ReadOnlyAdmin):
    list_display = ("user", "started_at", "expires_at", "ended_at", "reason")
    list_select_related = ("user",)
    search_fields = ("user__username", "reason")
    date_hierarchy = "started_at"


@admin.register(KnownDevice)
class KnownDeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "ip_address", "user_agent", "first_seen", "last_seen")
    list_select_related = ("user",)
    search_fields = ("user__username", "ip_address")
