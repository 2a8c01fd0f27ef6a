"""The user model's app migrates before any domain app: no migration of the protection app
depends, directly or through others, on cases, risk, measures or the feature sub-apps
(deadlines, reports, security). The squash that made it so (protection 0003-0011 without the
deadlines' models, whose tables deadlines 0001 creates on a fresh database) still names the
migrations it replaces, so that a database that applied them takes it as applied."""

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

PROJECT_PACKAGES = ("protection", "cases", "risk", "measures")
SQUASH = ("protection", "0003_squashed_0011_ground_floor_only")


def domain_labels():
    """Every app of the project but the ground floor: the domain apps and the feature sub-apps."""
    return {
        config.label
        for config in apps.get_app_configs()
        if config.name.split(".")[0] in PROJECT_PACKAGES and config.label != "protection"
    }


def domain_dependencies(loader):
    """(protection migration, domain migration it needs first), through any chain."""
    domain = domain_labels()
    assert {"cases", "risk", "measures", "deadlines", "reports"} <= domain
    nodes = [key for key in loader.graph.nodes if key[0] == "protection"]
    assert len(nodes) >= 3
    return sorted(
        (node, needed)
        for node in nodes
        for needed in loader.graph.forwards_plan(node)
        if needed[0] in domain
    )


def test_the_check_sees_a_protection_migration_that_needs_a_domain_app():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    loader.graph.add_dependency("test", SQUASH, ("cases", "0001_initial"))
    assert (SQUASH, ("cases", "0001_initial")) in domain_dependencies(loader)


def test_no_protection_migration_depends_on_a_domain_app():
    # no connection: the graph a fresh database migrates by
    assert domain_dependencies(MigrationLoader(None, ignore_no_migrations=True)) == []


def test_the_squash_replaces_the_migrations_databases_applied_before_it():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert loader.replacements[SQUASH].replaces == [
        ("protection", "0003_overdue_flags_notifications"),
        ("protection", "0004_number_series_earlier_years"),
        ("protection", "0005_appeal_board_clock_rediscussion_flags"),
        ("protection", "0006_notification_notices"),
        ("protection", "0007_emergency_response_clock"),
        ("protection", "0008_authority_role"),
        ("protection", "0009_grave_aggression_notice"),
        ("protection", "0010_report_contradicted_clock"),
        ("protection", "0011_deadlines_models_to_own_app"),
    ]
