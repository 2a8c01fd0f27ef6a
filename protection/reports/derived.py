"""Tables derived from the case data, filled after `migrate` rather than inside the migrations
that create them: the case counts (cases.tallies) and the indicators' facts and kept counts
(protection.reports.facts and the modules it rebuilds).

A migration runs against the schema of its own point in the history, but filling one of these
tables runs today's code, which reads the columns and writes the tables that later migrations
add. Filled inside its migration, a database upgraded from before them (one that already holds
cases) stopped there: the fill asked for a column or a table that did not exist yet. So those
migrations only create their tables, and once `migrate` has applied every migration
(post_migrate), the fills of the migrations this run applied run, each once, on a database that
holds cases. A migrate that stops short of the latest migrations (`migrate reports 0002`)
leaves them to the nightly jobs (case-facts-rebuild, case-counts-rebuild; the indicators'
tables also `manage.py rebuild_case_facts`), and says so. tests/reports/test_derived.py upgrades a
database with cases from before the facts.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string

# The migrations that create derived tables -> what fills them (a function without arguments).
FILLS = {
    ("cases", "0023_case_counts"): "cases.tallies.rebuild",
    ("reports", "0002_case_facts"): "protection.reports.facts.rebuild",
    ("reports", "0004_compliance_counts"): "protection.reports.facts.rebuild",
    ("reports", "0005_reevaluation_facts"): "protection.reports.facts.rebuild",
    ("reports", "0006_reason_counts"): "protection.reports.facts.rebuild",
    ("reports", "0007_backlog_counts"): "protection.reports.facts.rebuild",
    ("reports", "0008_case_columns_in_facts"): "protection.reports.facts.rebuild",
}


def fills_for(plan):
    """The fills (dotted paths, each once, in FILLS' order) of the migrations `plan` applied."""
    applied = {(m.app_label, m.name) for m, backwards in plan or () if not backwards}
    return list(dict.fromkeys(path for key, path in FILLS.items() if key in applied))


def fill_after_migrate(sender, plan=None, using=DEFAULT_DB_ALIAS, verbosity=1, stdout=None, **_):
    """post_migrate receiver (sent once per app; connected for the reports app only)."""
    fills = fills_for(plan)
    if not fills:
        return

    def say(text):
        if verbosity and stdout is not None:
            stdout.write(text)

    connection = connections[using]
    executor = MigrationExecutor(connection)
    if using != DEFAULT_DB_ALIAS or executor.migration_plan(executor.loader.graph.leaf_nodes()):
        say(
            "  Derived tables not filled: the database is not at its latest migrations. "
            "The nightly jobs (case-facts-rebuild, case-counts-rebuild) will fill them; "
            "after migrating fully, `manage.py rebuild_case_facts` fills the indicators' now."
        )
        return
    from cases.models import Case

    if not Case.objects.using(using).exists():
        return  # a new database: nothing to count yet
    for path in fills:
        import_string(path)()
        say(f"  Derived tables filled: {path}()")
