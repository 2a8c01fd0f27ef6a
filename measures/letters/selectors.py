"""Reads for the letter pages: a session's current letters and how far a batch of letters has
got."""

from dataclasses import dataclass

from measures.models import DecisionStatus, Letter, LetterBatch, LetterStatus


def session_letters(session):
    """Current letters of the session's confirmed decisions."""
    return list(
        Letter.objects.filter(decision__session=session, decision__status=DecisionStatus.CONFIRMED)
        .exclude(status=LetterStatus.SUPERSEDED)
        .select_related(
            "decision",
            "recipient_authority",
            "recipient_party__person",
            "recipient_party__collective",
        )
        .order_by("decision__number", "recipient_kind", "pk")
    )


DONE_STATUSES = (LetterStatus.GENERATED, LetterStatus.SENT, LetterStatus.ACKNOWLEDGED)


@dataclass
class BatchProgress:
    batch: LetterBatch
    total: int
    done: int
    failed: int
    superseded: int

    @property
    def pending(self):
        return self.total - self.done - self.failed - self.superseded

    @property
    def finished(self):
        return self.pending == 0

    @property
    def percent(self):
        return int(100 * (self.done + self.superseded) / self.total) if self.total else 100


def batch_progress(batch):
    """Progress read from the letters themselves: one query, nothing to lose on a restart."""
    counts = {LetterStatus(k): 0 for k in LetterStatus.values}
    for status in Letter.objects.filter(pk__in=batch.letter_ids).values_list("status", flat=True):
        counts[LetterStatus(status)] += 1
    done = sum(counts[s] for s in DONE_STATUSES)
    return BatchProgress(
        batch=batch,
        total=len(batch.letter_ids),
        done=done,
        failed=counts[LetterStatus.FAILED],
        superseded=counts[LetterStatus.SUPERSEDED],
    )
