"""What letters announce to the rest of the measures app: `decision_communicated`, sent when a
confirmed decision has been communicated to its implementing authorities (its last letter
delivered or acknowledged, or the coordinator's mark). The Board records the date on the
decision (measures/board/receivers.py), so letters never reach into the Board's rules."""

from django.dispatch import Signal

# sender: the Decision model; keyword arguments: decision (locked for update, in the caller's
# transaction), actor, at (the moment of the communication).
decision_communicated = Signal()
