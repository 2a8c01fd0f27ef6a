# ruff: noqa: S608 -- SQL text holds only model identifiers and integers; values are bound parameters.
"""Emergency response times (issue 14 §3), from the contact log: how long help took to arrive
after an emergency call or a panic-button activation, per implementing authority called and per
state of the case's beneficiary.

Definitions (shown on the page too):
- Emergencies: contact-log entries of those two kinds received in the period (their case
  matching the beneficiary filters).
- Response time: from reception to help's arrival, over the emergencies with an arrival
  recorded: median and 90th percentile (linear interpolation between ranks, as percentile_cont).
- Within target: help arrived within EMERGENCY_RESPONSE_TARGET_MINUTES. The share is over the
  emergencies that can be judged: answered, plus those with no help recorded once the target
  passed ("sin respuesta"); those still inside the target are left out.

Two aggregate queries whatever the number of emergencies: counts, and percentiles, each grouped
by authority, by state and in total at once.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import EMERGENCY_KINDS, CasePerson, ContactLogEntry
from cases.services_contacts import emergency_response_target
from protection import clocks
from protection.models import Clock

from . import sql as q
from .names import authorities_and_states


def target_seconds(rules=None):
    """The emergency-response clock in seconds: from `rules` (clocks.rules(), already loaded
    by the caller) or read now."""
    if rules is None:
        return int(emergency_response_target().total_seconds())
    start = timezone.now()
    return int((clocks.shift(start, rules[Clock.EMERGENCY_RESPONSE]) - start).total_seconds())


def _base_sql(dialect, filters):
    """One row per emergency: authority, beneficiary's state, response seconds (answered
    only), and whether it went unanswered past the target."""
    E, CP = ContactLogEntry, CasePerson
    received, arrived = f"e.{q.col(E, 'received_at')}", f"e.{q.col(E, 'help_arrived_at')}"
    case = f"e.{q.col(E, 'case')}"
    kinds = ", ".join(f"%(em_kind_{i})s" for i in range(len(EMERGENCY_KINDS)))
    state = (
        f"(SELECT cp.{q.col(CP, 'party_state')} FROM {q.table(CP)} cp"
        f" WHERE cp.{q.col(CP, 'case')} = {case} AND cp.{q.col(CP, 'role')} = %(beneficiary)s"
        f" AND cp.{q.col(CP, 'to_date')} IS NULL ORDER BY cp.{q.col(CP, 'id')} LIMIT 1)"
    )
    return (
        f"SELECT e.{q.col(E, 'authority')} AS authority_id, {state} AS state_id,"
        f" CASE WHEN {arrived} IS NOT NULL"
        f" THEN {dialect.seconds_between(arrived, received)} END AS secs,"
        f" CASE WHEN {arrived} IS NULL AND {dialect.ts(received)} < %(em_cutoff)s"
        f" THEN 1 ELSE 0 END AS missing"
        f" FROM {q.table(E)} e"
        f" WHERE e.{q.col(E, 'kind')} IN ({kinds})"
        f" AND {q.period_condition(dialect, received, filters)}"
        f" AND {q.party_condition(case, filters)}"
    )


def _dimensions(base):
    """The base rows three times: by authority, by state, and all together."""
    return (
        f"SELECT 'a' AS dim, authority_id AS g, secs, missing FROM ({base}) b1"
        f" UNION ALL SELECT 's' AS dim, state_id AS g, secs, missing FROM ({base}) b2"
        f" UNION ALL SELECT 't' AS dim, 0 AS g, secs, missing FROM ({base}) b3"
    )


def emergency_response(result, dialect, params, *, detail, rules=None):
    """Fill result.emergencies: {"target_minutes", "total", "by_authority", "by_state"}."""
    target = target_seconds(rules)
    params = {
        **params,
        "em_target": target,
        "em_cutoff": dialect.tparam(result.now - timedelta(seconds=target)),
        **{f"em_kind_{i}": str(kind) for i, kind in enumerate(EMERGENCY_KINDS)},
    }
    rows = _dimensions(_base_sql(dialect, result.filters))
    counts = q.fetch_all(
        f"SELECT dim, g, COUNT(*) AS n,"
        f" SUM(CASE WHEN secs IS NOT NULL THEN 1 ELSE 0 END) AS answered,"
        f" SUM(missing) AS missing,"
        f" SUM(CASE WHEN secs IS NOT NULL AND secs <= %(em_target)s THEN 1 ELSE 0 END) AS within"
        f" FROM ({rows}) r GROUP BY dim, g",
        params,
    )
    ranked = (
        f"SELECT dim, g, secs AS v,"
        f" ROW_NUMBER() OVER (PARTITION BY dim, g ORDER BY secs) - 1 AS rn,"
        f" COUNT(*) OVER (PARTITION BY dim, g) AS n"
        f" FROM ({rows}) r WHERE secs IS NOT NULL"
    )
    picks = []
    for p, tag in ((0.5, "p50"), (0.9, "p90")):
        pos = f"({p} * (n - 1))"
        # The rank below p·(n−1): PostgreSQL's CAST rounds, SQLite's truncates.
        lo = f"CAST(FLOOR({pos}) AS INTEGER)" if dialect.postgres else f"CAST({pos} AS INTEGER)"
        picks += [
            f"MAX(CASE WHEN rn = {lo} THEN v END) AS {tag}_lo",
            f"MAX(CASE WHEN rn = {lo} + 1 THEN v END) AS {tag}_hi",
            f"MAX({pos} - {lo}) AS {tag}_frac",
        ]
    percentiles = {
        (row["dim"], row["g"]): row
        for row in q.fetch_all(
            f"SELECT dim, g, {', '.join(picks)} FROM ({ranked}) x GROUP BY dim, g", params
        )
    }
    groups = {}
    for row in counts:  # groups (authorities, states), not emergencies
        groups[(row["dim"], row["g"])] = _row(row, percentiles.get((row["dim"], row["g"])))
    empty = _row({}, None)
    out = {
        "target_minutes": params["em_target"] // 60,
        "total": {**groups.get(("t", 0), empty), "label": _("Total")},
        "by_authority": [],
        "by_state": [],
    }
    if detail:
        authorities, states = authorities_and_states(
            [g for dim, g in groups if dim == "a"], [g for dim, g in groups if dim == "s"]
        )
        for (dim, g), row in groups.items():
            if dim == "a":
                label = authorities[g].name if g is not None else _("Sin autoridad registrada")
                out["by_authority"].append({**row, "label": label})
            elif dim == "s":
                label = states[g].name if g is not None else _("Sin entidad registrada")
                out["by_state"].append({**row, "label": label})
        for key in ("by_authority", "by_state"):
            out[key].sort(key=lambda r: (-(r["missing"] + r["late"]), r["label"]))
    result.emergencies = out


def _interpolate(row, tag):
    if row is None:
        return None
    lo, hi, frac = row[f"{tag}_lo"], row[f"{tag}_hi"], row[f"{tag}_frac"] or 0
    if lo is None:
        return None
    lo = float(lo)
    return lo if hi is None or not frac else lo + (float(hi) - lo) * float(frac)


def _row(counts, percentiles):
    n = int(counts.get("n") or 0)
    answered = int(counts.get("answered") or 0)
    missing = int(counts.get("missing") or 0)
    within = int(counts.get("within") or 0)
    judged = answered + missing
    p50, p90 = _interpolate(percentiles, "p50"), _interpolate(percentiles, "p90")
    return {
        "emergencies": n,
        "answered": answered,
        "within": within,
        "late": answered - within,
        "missing": missing,
        "pending": n - answered - missing,
        "judged": judged,
        "share_within": (within / judged) if judged else None,
        "median_minutes": None if p50 is None else p50 / 60,
        "p90_minutes": None if p90 is None else p90 / 60,
    }
