"""Synthetic casework at national scale, deterministic by seed (issue 8): the benchmark's data
generator, run by `manage.py generate_synthetic`.

`generate(cases=N, seed=S)` fills the database with N cases and everything around them, in the
proportions of a real mechanism: people and collectives, requests, consents, aggressions, other
bodies' protection, admissibility, urgent measures, immediate assessments, risk studies with factor
scores and proposed measures, Board sessions with attendance, agendas and confirmed decisions with
their lines, granted measures with implementation events, letters (rows only, no PDF), legal holds,
appeals, re-evaluations, and simple-history rows for all of it.

How it stays fast (100,000 cases in minutes on two cores):
- each case is simulated from its request to the reference date ("as of") with its own random
  stream; rows are plain tuples with primary keys allocated up front. Cases are simulated in
  chunks; a writer thread loads one chunk while the next is simulated;
- on PostgreSQL every table is loaded with binary COPY (psycopg 3 `cursor.copy()`), all in ONE
  transaction, so a failed run leaves nothing behind. For large runs the loaded tables' foreign
  keys and the big tables' secondary indexes are dropped inside that transaction and re-created
  at the end (one set-based check per foreign key, one sort per index); tables emptied in the
  same transaction are loaded with COPY FREEZE, so no VACUUM is needed afterwards;
- history rows are written in bulk next to the rows: a "+" row per record, plus "~" rows for the
  changes of cases, granted measures, sessions and attendance, each with its date and the person
  who acted. Case history is replayed in time order.
- decisions, letters, agenda items and sessions are kept until every case is simulated, then
  numbered (per year, in the order issued) and positioned, and written last.
Other databases (SQLite) work through executemany, for small N only.

Same seed and same reference date give the same data. Times are aware UTC; clocks come from the
configured ClockDefinition rows and are computed with protection.clocks, as the services do;
scores with risk.scoring. Their fast paths (synth.py) are checked against those functions at run
time, and tests/test_synthetic.py proves them equal on every stored value.

The package: world.py (proportions and texts), tables.py (rows and their writers), synth.py
(the world state and the writing), story.py and story_measures.py (one case's story),
generate.py (the entry point).
"""

from .generate import (  # noqa: F401
    USERNAME_PREFIX,
    SyntheticDataError,
    existing_data,
    generate,
    reset_data,
)
