"""The letter's map: how a letter (oficio) moves from planned to rendered, delivered (by hand or
through the authorities' portal), acknowledged, reissued or superseded by a new decision
(protection/transitions.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measures.models import AuthorityMember, DecisionStatus, Letter, LetterStatus, RecipientKind
from protection.transitions import StateMachine, Step

# ---------------------------------------------------------------------------------------------
# Letters (oficios)

L = LetterStatus


def _reissue_conditions(letter, user):
    if letter.decision.superseded_by.filter(status=DecisionStatus.CONFIRMED).exists():
        return [_("El acuerdo fue sustituido: sus oficios ya no se reemiten.")]
    return []


def _portal_delivery_conditions(letter, user):
    if letter.recipient_kind != RecipientKind.AUTHORITY:
        return [_("Sólo los oficios a autoridades se entregan por el portal.")]
    if not letter.file:
        return [_("El oficio aún no tiene su PDF.")]
    if not AuthorityMember.objects.filter(
        authority_id=letter.recipient_authority_id, user__is_active=True
    ).exists():
        return [_("La autoridad no tiene personas con acceso al portal.")]
    return []


LETTER = StateMachine(
    Letter,
    states=L,
    describe=lambda letter: _("el oficio %(n)s") % {"n": letter.number},
    steps=[
        # Rendering is done by a worker (measures.letters.rendering), not by a person.
        Step("render", (L.PENDING, L.FAILED), L.GENERATED, gettext_lazy("generar el oficio")),
        Step("fail", (L.PENDING, L.FAILED), L.FAILED, gettext_lazy("registrar el error")),
        Step(
            "deliver",
            (L.GENERATED,),
            L.SENT,
            gettext_lazy("registrar la entrega del oficio"),
            policy="letter.deliver",
        ),
        Step(
            "deliver_portal",
            (L.GENERATED,),
            L.SENT,
            gettext_lazy("entregar el oficio por el portal de autoridades"),
            policy="letter.deliver",
            guard=_portal_delivery_conditions,
        ),
        Step(
            "acknowledge",
            (L.SENT,),
            L.ACKNOWLEDGED,
            gettext_lazy("registrar el acuse de recibo"),
            policy="letter.deliver",
        ),
        # The authority itself, in its portal (the letter must be addressed to it: the portal's
        # selectors find only those).
        Step(
            "acknowledge_portal",
            (L.SENT,),
            L.ACKNOWLEDGED,
            gettext_lazy("acusar recibo en el portal"),
            policy="authority.portal",
        ),
        Step(
            "reissue",
            (L.GENERATED, L.SENT, L.ACKNOWLEDGED),
            L.SUPERSEDED,
            gettext_lazy("emitir una nueva versión del oficio"),
            policy="letter.generate",
            guard=_reissue_conditions,
        ),
        Step(
            "supersede",
            (L.PENDING, L.GENERATED, L.SENT, L.ACKNOWLEDGED, L.FAILED),
            L.SUPERSEDED,
            gettext_lazy("sustituir el oficio por un nuevo acuerdo"),
            policy="board.decide",
        ),
    ],
)
