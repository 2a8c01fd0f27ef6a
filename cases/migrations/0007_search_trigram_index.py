"""Accent-free search stays fast at scale: on PostgreSQL a trigram GIN index serves the
`search_text LIKE '%word%'` lookups of cases.search (SQLite has no such index; it scans)."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_search_text_trgm ON cases_case "
    "USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS case_search_text_trgm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_encrypt_contact_fields")]
    operations = [migrations.RunPython(forwards, backwards)]
