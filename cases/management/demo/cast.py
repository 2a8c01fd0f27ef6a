"""The demo's fixed cast and vocabulary, read from scripts/demo/cast.yaml (its users, the Board's
calendar, the implementing authorities' addressees, legal texts, risk profiles and the street
names fictional addresses are made of), and the one shape a story's measure line takes."""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from protection.models import Role

CAST_FILE = Path(settings.BASE_DIR) / "scripts" / "demo" / "cast.yaml"


def cast_load(path=CAST_FILE):
    """The cast file as a mapping; a missing section fails here, not halfway through a seed."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    expected = {
        "password",
        "users",
        "calendar",
        "authorities",
        "legal_basis",
        "admission_reasons",
        "risk_profiles",
        "factor_reasons",
        "streets",
        "neighbourhoods",
        "safe_contact",
    }
    missing = expected - set(data)
    if missing:
        raise ValueError(f"{path}: missing {sorted(missing)}")
    return data


_CAST = cast_load()

DEMO_PASSWORD = _CAST["password"]
# username, role, given names, family names, institution
DEMO_USERS = [
    (u["username"], Role(u["role"]), u["first_name"], u["last_name"], u["institution"])
    for u in _CAST["users"]
]
# Which authority each portal user belongs to (keys of Seeder.authority).
DEMO_AUTHORITY_MEMBERS = {u["username"]: u["authority"] for u in _CAST["users"] if "authority" in u}
DEMO_USERNAMES = [row[0] for row in DEMO_USERS]

SETUP_DAYS = _CAST["calendar"]["setup_days"]
PAST_SESSION_DAYS = tuple(_CAST["calendar"]["past_session_days"])
UPCOMING_SESSION_IN_DAYS = _CAST["calendar"]["upcoming_session_in_days"]
SESSION_PLACE = _CAST["calendar"]["session_place"]

# key: (addressee, article of the authority's name); key: its own copies (C.c.p.).
AUTHORITY_ADDRESSEES = {
    key: (row["addressee"], row["article"]) for key, row in _CAST["authorities"].items()
}
AUTHORITY_COPIES = {
    key: row["copy_to"] for key, row in _CAST["authorities"].items() if "copy_to" in row
}

LEGAL_BASIS_GRANT = _CAST["legal_basis"]["grant"]
LEGAL_BASIS_DENY = _CAST["legal_basis"]["deny"]
LEGAL_BASIS_WITHDRAW = _CAST["legal_basis"]["withdraw"]

ADMISSION_REASONS = tuple(_CAST["admission_reasons"])

# Factor scores by profile (stories name them: !const HIGH).
HIGH = _CAST["risk_profiles"]["HIGH"]
HIGH_B = _CAST["risk_profiles"]["HIGH_B"]
MEDIUM = _CAST["risk_profiles"]["MEDIUM"]
LOW = _CAST["risk_profiles"]["LOW"]
LOWER = _CAST["risk_profiles"]["LOWER"]

FACTOR_REASONS = _CAST["factor_reasons"]

STREETS = tuple(_CAST["streets"])
NEIGHBOURHOODS = tuple(_CAST["neighbourhoods"])
SAFE_CONTACT = tuple(_CAST["safe_contact"])


@dataclass(frozen=True)
class Line:
    """One measure of a Board resolution or an urgent issue, before it is resolved to rows."""

    measure: str  # MeasureType.code
    party: object  # Person or Collective on the case
    authority: str  # key in Seeder.authority
    months: int = 12
    details: str = ""
