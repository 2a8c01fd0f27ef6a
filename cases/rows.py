"""The case list's rows read as plain values: the 50 cases of a page, their officer, risk level
and current beneficiaries, in two queries and without a model instance per case, person,
officer and level (building about 300 instances was a large part of the list's Python time at
national scale, issue 17). Each row answers what templates/cases/_case_results.html and
case_tags.case_list_rows read from a case."""

from protection.prepared_multi import IntList, PreparedValues

from .models import CasePerson, CaseRole, CaseStatus, person_name

# Rows on one page of the list (cases.views.PAGE_SIZE): the most ids one beneficiaries read takes.
PAGE_ROWS = 50

# What a row reads from the case (and its officer and risk level), as values().
CASE_ROW_VALUES = (
    "pk",
    "file_number",
    "status",
    "procedure",
    "next_deadline_at",
    "file_open",
    "assigned_officer_id",
    "assigned_officer__first_name",
    "assigned_officer__last_name",
    "assigned_officer__username",
    "current_risk_level__name",
)


class Officer:
    """The case's officer as a row shows it: User.display_name."""

    __slots__ = ("display_name",)

    def __init__(self, first_name, last_name, username):
        # User.get_full_name() or the username.
        self.display_name = f"{first_name} {last_name}".strip() or username


class Beneficiary:
    """A current beneficiary as a row shows it: str(case_person.party)."""

    __slots__ = ("party",)

    def __init__(self, party):
        self.party = party


class CaseRow:
    __slots__ = (
        "pk",
        "file_number",
        "status",
        "procedure",
        "next_deadline_at",
        "file_open",
        "assigned_officer",
        "current_risk_level",
        "current_beneficiaries",
    )

    def __init__(self, values):
        self.pk = values["pk"]
        self.file_number = values["file_number"]
        self.status = values["status"]
        self.procedure = values["procedure"]
        self.next_deadline_at = values["next_deadline_at"]
        self.file_open = values["file_open"]
        self.assigned_officer = (
            None
            if values["assigned_officer_id"] is None
            else Officer(
                values["assigned_officer__first_name"],
                values["assigned_officer__last_name"],
                values["assigned_officer__username"],
            )
        )
        # RiskLevel.__str__ is its name.
        self.current_risk_level = values["current_risk_level__name"]
        self.current_beneficiaries = []

    @property
    def is_active(self):
        return self.status != CaseStatus.CLOSED


def _current_beneficiaries(ids):
    return (
        CasePerson.objects.filter(case_id__in=ids, role=CaseRole.BENEFICIARY, to_date__isnull=True)
        .order_by("pk")
        .values_list(
            "case_id",
            "person_id",
            "person__given_names",
            "person__family_names",
            "person__preferred_name",
            "person__life_status",
            "collective__name",
        )
    )


# The same read with its SQL built once per process: the page's case ids are its one parameter
# (one array on PostgreSQL, `= ANY(%s)`, rather than fifty values parsed again on every request).
_prepared_beneficiaries = PreparedValues(_current_beneficiaries, ids=IntList(PAGE_ROWS))


def case_rows(values):
    """CaseRow objects for `values` (a sliced values() queryset of CASE_ROW_VALUES, or dicts
    of those keys), with their current beneficiaries in pk order, as the prefetch of
    with_list_relations gave them."""
    rows = [CaseRow(v) for v in values]
    by_case = {row.pk: row for row in rows}
    if not by_case:
        return rows
    ids = list(by_case)
    if len(ids) <= PAGE_ROWS:
        beneficiaries = _prepared_beneficiaries(ids=ids)
    else:
        beneficiaries = _current_beneficiaries(ids)
    for case_id, person_id, given, family, preferred, life_status, collective in beneficiaries:
        # CasePerson.party: the person, or else the collective (whose str is its name).
        if person_id is not None:
            party = person_name(given, family, preferred, life_status)
        else:
            party = collective
        by_case[case_id].current_beneficiaries.append(Beneficiary(party))
    return rows
