"""The map of the deadlines' own records: the e-mail state of an alert (Notification).

An alert is inserted pending, or already skipped when its recipient has no e-mail address
(notifications.py writes that initial state in the INSERT ... SELECT). After that only
these steps move it, as conditional UPDATEs over the rows a digest task has claimed.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from protection.transitions import StateMachine, Step

from .models import EmailStatus, Notification

EMAIL = StateMachine(
    Notification,
    field="email_status",
    states=EmailStatus,
    describe=lambda n: _("el aviso %(id)s") % {"id": n.pk},
    steps=[
        Step("send", (EmailStatus.PENDING,), EmailStatus.SENT, gettext_lazy("enviar el aviso")),
        Step(
            "skip",
            (EmailStatus.PENDING,),
            EmailStatus.SKIPPED,
            gettext_lazy("no enviar el aviso (ya leído o sin correo)"),
        ),
    ],
)
