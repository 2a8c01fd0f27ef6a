"""Redaction of contact details and locations for readers who must not see them.

Board members, consultants and anyone outside the mechanism's staff read dossiers and board
papers without addresses, phone numbers, e-mails, safe contact notes or safe-house locations
(DOMAIN.md §2, §5: measures are reserved information). Templates and PDFs call `redact_for` for
every field in SENSITIVE_FIELDS; the list is declared here, in one place.
"""

from django.utils.translation import gettext_lazy as _

from . import access

# "Model.field" names whose values are redacted for readers outside SEES_CONTACT_DETAILS.
SENSITIVE_FIELDS = frozenset(
    {
        "Person.phone",
        "Person.email",
        "Person.home_address",
        "Person.safe_contact_notes",
        "Collective.phone",
        "Collective.email",
        "Collective.address",
        "Aggression.place",
        # GrantedMeasure.details / DecisionLine.details of measures that are a location.
        "SafeHouse.details",
    }
)

# Measure types whose "details" say where a person is sheltered or relocated.
LOCATION_MEASURE_CODES = frozenset({"safe_house", "temporary_relocation"})

# Roles that work the case and may see how to reach the people on it: those with a contact-
# details cell other than "never" in the need-to-know matrix (protection.access.NEED_TO_KNOW).
# Their reach there is the same as on the case file, so whoever opens the file sees them.
SEES_CONTACT_DETAILS = frozenset(
    reader.role
    for reader in access.READERS
    # The authority portal shows contact details by its own rule (consent per authority).
    if access.reach(reader.key, access.CONTACT_DETAILS)[0]
    not in (access.NONE, access.OWN_AUTHORITY)
)

REDACTED = _("[dato reservado]")


def sees_contact_details(user):
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", None) in SEES_CONTACT_DETAILS
    )


def redact_for(user, field_name, value):
    """`value`, or the redaction mark when `field_name` is sensitive and `user` may not see it.
    `user=None` means an audience outside the staff (board papers, public pages). An empty value
    is redacted too, so the reader cannot tell a missing phone from a reserved one."""
    if field_name not in SENSITIVE_FIELDS:
        raise KeyError(f"{field_name} is not a declared sensitive field")
    if sees_contact_details(user):
        return value
    return REDACTED


def measure_details_for(user, measure_type, details):
    """A measure's specifications: redacted when the measure is a location (safe house)."""
    code = getattr(measure_type, "code", "")
    if code in LOCATION_MEASURE_CODES:
        return redact_for(user, "SafeHouse.details", details)
    return details
