"""The home page's display rows: plain objects filled from values() (issue 17: no model instance
per row), read by the home's templates and tags as they read a case or an appeal. They are never
saved: the attributes named like a record's state or clocks set nothing (the status-write guard,
tests/test_transitions_guard.py, exempts this file by name for that reason)."""

from measures.board.lifecycle import appeal_next_step
from measures.models import Appeal, AppealStatus

# What a row of the home page's case lists shows (templates/cases/_case_rows.html and
# _urgent_panel.html): no officer, no risk level, none of the case's long text. Whole rows were
# the larger part of the home page's Python time at national scale. A template that shows
# another field of these rows must add it here (tests/cases/test_views_core.py's query budget
# fails otherwise: a deferred field costs a query per row).
HOME_ROW_FIELDS = (
    "pk",
    "file_number",
    "status",
    "next_deadline_at",
    "urgent_issue_due_at",
    "urgent_issued_at",
    "urgent_implement_due_at",
    "urgent_implemented_at",
)


class Party:
    """A current beneficiary as a row shows it: str(case_person.party)."""

    __slots__ = ("party",)

    def __init__(self, party):
        self.party = party


# What a row of "my cases" shows (_case_rows.html): the urgent clocks are the urgent panel's.
LISTED_ROW_FIELDS = HOME_ROW_FIELDS[:4]
_NO_URGENT_CLOCKS = (None, None, None, None)


class CaseRow:
    """A case of the home page's lists and urgent panel (HOME_ROW_FIELDS, or LISTED_ROW_FIELDS
    and no urgent clocks), with its current beneficiaries, as plain values."""

    __slots__ = (*HOME_ROW_FIELDS, "current_beneficiaries")

    def __init__(self, values):
        self.pk, self.file_number, self.status, self.next_deadline_at, *urgent = values
        (
            self.urgent_issue_due_at,
            self.urgent_issued_at,
            self.urgent_implement_due_at,
            self.urgent_implemented_at,
        ) = urgent or _NO_URGENT_CLOCKS
        self.current_beneficiaries = []


APPEAL_FIELDS = (
    "pk",
    "case_id",
    "case__file_number",
    "status",
    "track",
    "new_study_id",
    "new_study__approved_at",
    "ruling_due_at",
    "consejo_ruling_due_at",
)


class _Study:
    __slots__ = ("approved_at",)

    def __init__(self, approved_at):
        self.approved_at = approved_at


class AppealRow:
    """What the home page shows of a running appeal (and appeal_next_step() reads)."""

    __slots__ = (
        "pk",
        "case_id",
        "file_number",
        "status",
        "track",
        "new_study_id",
        "new_study",
        "ruling_due_at",
        "consejo_ruling_due_at",
        "next_step",
        "due_at",
    )

    def __init__(self, values):
        (
            self.pk,
            self.case_id,
            self.file_number,
            self.status,
            self.track,
            self.new_study_id,
            approved_at,
            self.ruling_due_at,
            self.consejo_ruling_due_at,
        ) = values
        self.new_study = None if self.new_study_id is None else _Study(approved_at)
        self.next_step = appeal_next_step(self)
        self.due_at = appeal_due_at(self)

    def get_track_display(self):
        return choice_display(Appeal, "track", self.track)


def choice_display(model, field, value):
    """What get_<field>_display() shows for `value`: its choice's label, else the value."""
    labels = _LABELS.get((model, field))
    if labels is None:
        labels = _LABELS[(model, field)] = dict(model._meta.get_field(field).flatchoices)
    label = labels.get(value, value)
    return label if isinstance(label, str) else str(label)


_LABELS = {}


def appeal_due_at(appeal):
    """The appeal's clock that runs now (the Consejo's while it studies, else the ruling's)."""
    if appeal.status == AppealStatus.INDEPENDENT_STUDY:
        return appeal.consejo_ruling_due_at
    return appeal.ruling_due_at
