"""Need-to-know scoping of case content in the Django admin: CaseDataAdmin, the base of every
admin page that shows case records (cases, risk, measures, documents, deadlines). It reads
through cases.selectors like every page; the ground floor's rules (no hard delete, history,
optimistic locking, configuration only editable) come from protection/admin.py."""

from django.contrib.admin.utils import unquote
from django.http import Http404

from protection.admin import HistoryAdmin, NoDeleteAdmin
from protection.security.audit import note_case

from .selectors import case_list_for

# How each model reaches its case, for need-to-know scoping in the admin. Models with a `case`
# foreign key are found automatically; models with no path are configuration, not case content.
CASE_PATHS = {
    "cases.case": "pk",
    "cases.person": "case_roles__case",
    "cases.collective": "case_roles__case",
    "risk.factorscore": "study__case",
    "risk.proposedmeasure": "study__case",
    "measures.decisionline": "decision__case",
    "measures.implementationevent": "measure__case",
    "measures.letter": "decision__case",
    "measures.observation": "agenda_item__case",
    "cases.handover": "items__case",
}


def case_path(model):
    label = model._meta.label_lower
    if label in CASE_PATHS:
        return CASE_PATHS[label]
    if any(field.name == "case" for field in model._meta.get_fields()):
        return "case"
    return None


class CaseDataAdmin(NoDeleteAdmin, HistoryAdmin):
    """Admin for records that are never hard-deleted (every model of the domain apps).

    Case content is scoped like everywhere else (cases.selectors): an administrator sees none of
    it unless a break-glass access is open, and a record out of scope is a 404.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        path = case_path(self.model)
        # An administrator's scope is the cases an open break-glass access names, nothing more.
        if path is None:
            return queryset
        visible = case_list_for(request.user).values("pk")
        if path == "pk":
            return queryset.filter(pk__in=visible)
        if "__" in path:  # reached through a many-valued relation: avoid duplicate rows
            return queryset.filter(
                pk__in=self.model._default_manager.filter(**{f"{path}__in": visible}).values("pk")
            )
        return queryset.filter(**{f"{path}__in": visible})

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Out of scope answers 404 here too, the same as a record that does not exist.
        raise Http404

    # Every read of case content in the admin names its case in the read log, so that the
    # case's "who has seen this" page shows it (protection.security.audit.note_case).

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            note_cases_of(self.model, [obj.pk])
        return obj

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        note_cases_of(self.model, [row.pk for row in changelist.result_list])
        return changelist

    # simple-history's history pages fall back to the stored copies when the record is not in
    # the queryset: out of scope must stay a 404 there too (and the read names its case).

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


def note_cases_of(model, pks):
    """Note in the read log the cases the rows `pks` of `model` belong to (one query)."""
    path = case_path(model)
    if path is None or not pks:
        return
    if path == "pk":
        case_ids = pks
    else:
        case_ids = (
            model._default_manager.filter(pk__in=pks)
            .exclude(**{f"{path}__isnull": True})
            .values_list(path, flat=True)
            .distinct()
        )
    for case_id in case_ids:
        note_case(case_id)
