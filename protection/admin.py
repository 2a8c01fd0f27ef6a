"""Admin of the ground floor (users, groups, numbering series, legal clocks) and the base classes
every app's admin builds on: no hard delete, history pages, optimistic locking, and the rule that
only configuration is editable. The need-to-know scoping of case content is the cases app's
(cases/admin_scope.py: CaseDataAdmin), since it reads the case selectors.

Every admin page keeps django-simple-history's history page. Nothing is hard-deleted from the
admin: case records are closed, ended or lifted through their own fields, catalogue rows are
switched off with their `active` flag, and users are deactivated, so the history and the
records that point at them stay whole.

What the administration may change here is what the policy gives it, and nothing more. The
Django admin is open to the administrator role only (access.VIEW_POLICY "admin:*" is
POLICY["admin.site"]), and access.POLICY gives that role no step on case data: besides the
admin site it has break-glass (reading named cases for a short window, "sólo permite consultar
(no cambia estados ni plazos)"), the reset of a lost second factor, and the original of a
document under break-glass. Every step of every transition map needs a role the administrator
does not have (tests/test_admin_pages.py checks both facts). So the admin offers no action that
changes a case, a measure, an appeal, a session or any other record of the mechanism's work:
those rows are shown read-only (`is_configuration` is False for them: no add, no change, no
revert, no delete, no actions), and whoever holds the step does it on the application's pages,
through the same services and predicates. What the administration keeps here is its own domain
(DOMAIN.md: "users, catalogues, configuration"), listed in CONFIGURATION.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from protection.security.services import has_second_factor

from .models import ClockDefinition, NumberSeries, User
from .text_limits import limit_text_field
from .transitions import machine_for
from .versioning import Versioned


def every_field(model):
    """The names of all the editable-looking fields of `model`, to show a row read-only."""
    opts = model._meta
    return [f.name for f in opts.concrete_fields if not f.primary_key] + [
        f.name for f in opts.many_to_many
    ]


# Fields a step of a record's map sets, besides the state itself (closure, ending, ruling).
STEP_FIELD_PREFIXES = ("closure_", "end_", "ended_", "ruling", "consejo_")
STEP_FIELDS = {"upheld", "superseded_by", "confirmed_by", "approved_by"}


def locked_fields(model):
    """Fields the admin shows read-only: every stored clock (`*due_at`, `next_deadline_at`)
    and, on a record with a transition map, its state, the moments its steps stamp (`*_at`)
    and what they record (closure, end, ruling). They change only through the services."""
    machine = machine_for(model)
    locked = set()
    for field in model._meta.concrete_fields:
        name = field.name
        if name == "next_deadline_at" or name.endswith("due_at"):
            locked.add(name)
        elif machine is not None and (
            name == machine.field
            or (isinstance(field, models.DateTimeField) and name.endswith("_at"))
            or name.startswith(STEP_FIELD_PREFIXES)
            or name in STEP_FIELDS
        ):
            locked.add(name)
    return locked


# The rows the administration keeps (users, catalogues, configuration): the only ones the admin
# adds or changes. Every other model is a record of the mechanism's work, read-only here.
CONFIGURATION = frozenset(
    {
        "protection.user",
        "auth.group",
        "protection.clockdefinition",
        "protection.numberseries",
        "cases.state",
        "cases.aggressiontype",
        "cases.admissibilityreason",
        "risk.riskscale",
        "risk.risklevel",
        "risk.riskfactor",
        "measures.measuretype",
        "measures.implementingauthority",
        "measures.boardmember",
    }
)


def is_configuration(model):
    return model._meta.label_lower in CONFIGURATION


class NoDeleteAdmin:
    """No hard deletes (model admins and inlines): no delete view, no "delete selected".
    Records of the mechanism's work are read-only (see the module docstring); on configuration,
    states and clocks are read-only all the same (`locked_fields`)."""

    can_delete = False  # inlines: no "delete" checkbox

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + sorted(locked_fields(self.model) - set(readonly))

    def has_add_permission(self, request, *args):  # inlines pass the parent object
        return is_configuration(self.model) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_configuration(self.model) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class VersionedAdminForm(forms.ModelForm):
    """Optimistic locking for Versioned records edited in the admin (STYLE.md rule 5).

    The page carries the version it was opened at; saving locks the row (the admin's POST runs
    in a transaction) and refuses the edit if someone saved in between.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The stored version, not the instance's: simple-history's revert page passes an
            # old copy of the record.
            self.fields["expected_version"].initial = (
                self._rows().values_list("version", flat=True).first()
            )

    def _rows(self):
        return type(self.instance)._default_manager.filter(pk=self.instance.pk)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        rows = self._rows()
        if transaction.get_connection(rows.db).in_atomic_block:
            rows = rows.select_for_update()
        current = rows.values_list("version", flat=True).first()
        if current is None:
            return cleaned_data
        expected = cleaned_data.get("expected_version")
        if expected != current:
            raise ValidationError(
                _(
                    "Otra persona modificó este registro mientras usted lo editaba (versión "
                    "%(theirs)s; usted abrió la %(yours)s). No se guardó nada: vuelva a abrirlo "
                    "y repita el cambio."
                ),
                code="stale_edit",
                params={"theirs": current, "yours": expected},
            )
        self.instance.version = current + 1
        return cleaned_data


class HistoryAdmin(SimpleHistoryAdmin):
    """Base for every admin here: history page and optimistic locking."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if issubclass(model, Versioned) and self.form is forms.ModelForm:
            self.form = VersionedAdminForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Free text has the same limits here as in the application's forms.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        return limit_text_field(field) if field is not None else None

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if (
            obj is not None
            and issubclass(self.form, VersionedAdminForm)
            and "expected_version" not in flatten_fieldsets(fieldsets)
        ):
            name, options = fieldsets[0]
            first = (name, {**options, "fields": [*options["fields"], "expected_version"]})
            fieldsets = [first, *fieldsets[1:]]
        return fieldsets

    def revert_disabled(self, request, obj=None):
        # Reverting a record with a map would restore an old state past every rule.
        return machine_for(self.model) is not None or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a "revert" POST without asking whether the user may change the
        # record; a record that is read-only here must not be changed through its history.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if (
                obj is None
                or self.revert_disabled(request, obj)
                or not self.has_change_history_permission(request, obj)
            ):
                raise PermissionDenied
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().history_form_view(request, object_id, version_id, extra_context)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class UserAdmin(NoDeleteAdmin, HistoryAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Mecanismo"), {"fields": ("role", "unit", "institution", "time_zone")}),
        (_("Segundo factor"), {"fields": ("second_factor",)}),
    )
    readonly_fields = ("second_factor",)
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Mecanismo"),
            {"classes": ("wide",), "fields": ("first_name", "last_name", "email", "role")},
        ),
    )
    list_display = (
        "username",
        "full_name",
        "email",
        "role",
        "unit",
        "institution",
        "is_active",
        "is_staff",
        "last_login",
    )
    list_filter = ("role", "unit", "is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "first_name", "last_name", "email", "institution")
    ordering = ("username",)

    @admin.display(description=_("nombre"), ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("segundo factor"))
    def second_factor(self, obj):
        # A lost phone is reset on the security page (reason, log, e-mail), not by editing here.
        if obj.pk is None:
            return "—"
        state = _("activo") if has_second_factor(obj) else _("sin dar de alta")
        return format_html(
            '{} · <a href="{}">{}</a>',
            state,
            reverse("security:two_factor_reset", args=[obj.pk]),
            _("Restablecer segundo factor"),
        )


# Django's own group admin, without its "delete selected" (users are deactivated, not deleted;
# groups are kept the same way).
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(NoDeleteAdmin, BaseGroupAdmin):
    pass


@admin.register(NumberSeries)
class NumberSeriesAdmin(NoDeleteAdmin, HistoryAdmin):
    list_display = ("name", "key", "pattern", "prefix", "year", "last_number")
    list_filter = ("year",)
    search_fields = ("key", "name", "prefix")
    ordering = ("key",)


@admin.register(ClockDefinition)
class ClockDefinitionAdmin(NoDeleteAdmin, HistoryAdmin):
    list_display = ("clock", "amount", "unit", "responsible_role", "legal_basis")
    list_filter = ("unit", "responsible_role")
    search_fields = ("clock", "legal_basis")
