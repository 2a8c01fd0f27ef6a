"""The Board's answers to what letters announce (measures/letters/signals.py): the decision's
date of communication, recorded through its map. Connected by the measures app's
AppConfig.ready (measures/apps.py)."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from measures.letters.signals import decision_communicated
from measures.models import Decision

from .lifecycle import DECISION


@receiver(decision_communicated, sender=Decision, dispatch_uid="board.decision_communicated")
def decision_communicated_record(sender, *, decision, actor, at, **kwargs):
    """The decision was communicated (art. 29-I): its first date of communication stays."""
    DECISION.update(
        decision,
        actor=actor,
        reason=_("Acuerdo comunicado"),
        notified_at=decision.notified_at or at,
    )
