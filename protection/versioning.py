"""Optimistic locking: records people edit carry a version; a stale edit is refused."""

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import StaleEdit


class Versioned(models.Model):
    version = models.PositiveIntegerField(gettext_lazy("versión"), default=1, editable=False)

    class Meta:
        abstract = True


def save_versioned(instance, *, expected_version):
    """Save `instance` only if nobody saved it since the user opened `expected_version`.

    The row is locked (SELECT ... FOR UPDATE) while the version is compared and the new one
    written, so two people saving at the same moment cannot both win. A normal save() keeps the
    simple-history row. On conflict raises StaleEdit listing what the other person changed.
    """
    model = type(instance)
    with transaction.atomic():
        current_version = (
            model.objects.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .get()
        )
        if current_version != expected_version:
            current = model.objects.get(pk=instance.pk)
            raise StaleEdit(
                _(
                    "Otra persona modificó este registro mientras usted lo editaba (versión "
                    "%(theirs)s; usted abrió la %(yours)s). No se guardó nada: revise los "
                    "cambios y vuelva a intentarlo."
                )
                % {"theirs": current_version, "yours": expected_version},
                changes=history_changes(current, expected_version),
            )
        instance.version = expected_version + 1
        instance.save()
    return instance


def history_changes(current, since_version):
    """Field-by-field changes made after `since_version`: the newest record vs. the one then."""
    if not hasattr(current, "history"):
        return []
    records = list(current.history.order_by("-history_date", "-history_id")[:50])
    if not records:
        return []
    newest = records[0]
    older = next((r for r in records if r.version == since_version), None)
    if older is None:
        return []
    out = []
    for change in newest.diff_against(older).changes:
        if change.field == "version":
            continue
        field = current._meta.get_field(change.field)
        out.append(
            {
                "field": str(field.verbose_name),
                "old": change.old,
                "new": change.new,
                "by": newest.history_user.display_name if newest.history_user else "",
            }
        )
    return out
