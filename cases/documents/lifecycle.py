"""A document's map (Document.status), in the shared form of protection/transitions.py. Only
the services in this package move a document along it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from protection.transitions import StateMachine, Step

from .models import Document
from .models import DocumentStatus as S

DOCUMENT = StateMachine(
    Document,
    states=S,
    describe=lambda document: _("el documento"),
    steps=[
        Step(
            "withdraw",
            (S.ACTIVE,),
            S.WITHDRAWN,
            gettext_lazy("retirar el documento"),
            policy="document.withdraw",
        ),
        Step(
            "replace",
            (S.ACTIVE,),
            S.REPLACED,
            gettext_lazy("sustituir el documento"),
            policy="document.upload",
        ),
    ],
)


def allowed_steps(status):
    return DOCUMENT.allowed_steps(status)
