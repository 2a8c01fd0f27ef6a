"""A document's states as an explicit map of allowed transitions (same form as
cases/lifecycle.py). Only the services in this package move a document along it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from protection.errors import TransitionNotAllowed

from .models import DocumentStatus as S

# step -> (states it may start from, state it leads to, what it is called)
TRANSITIONS = {
    "withdraw": ((S.ACTIVE,), S.WITHDRAWN, gettext_lazy("retirar el documento")),
    "replace": ((S.ACTIVE,), S.REPLACED, gettext_lazy("sustituir el documento")),
}


def allowed_steps(status):
    return [step for step, (sources, _target, _label) in TRANSITIONS.items() if status in sources]


def check(document, step):
    """Raise if `step` is not allowed from the document's state; return the target state."""
    sources, target, label = TRANSITIONS[step]
    if document.status not in sources:
        raise TransitionNotAllowed(
            _("No se puede %(step)s: el documento está «%(status)s».")
            % {"step": label, "status": document.get_status_display()}
        )
    return target


def transition(document, step):
    """Move the document (in memory) along `step`; the caller saves within its transaction."""
    document.status = check(document, step)
    return document
