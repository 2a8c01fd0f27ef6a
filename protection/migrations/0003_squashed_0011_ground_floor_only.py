"""Protection 0003-0011 squashed: what they left in the user model's app (the number series'
earlier years, the clocks' final choices and the authority role, the Board's appeal clock row),
without the deadlines' models that 0003 created and 0011 handed over to the deadlines app, and so
without 0003's dependency on the cases app: the user model's migrations depend on no domain app,
and on a fresh database deadlines 0001 creates the deadlines' tables (protection_overdueflag,
protection_notification, protection_periodicrun and their history tables).

The replaced files are gone (kept, their dependencies would still tie this node to the cases app
in Django's graph), `replaces` stays: a database where 0003-0011 are all applied takes this
migration as applied and runs nothing, keeping those tables and their rows (deadlines 0001,
applied there already, found them). A database where only some of them are applied (code older
than 2026-12-06) stops with Django's "tried to replace migration protection.0011... but wasn't
able to" error: migrate it with the code of commit 768e1bd first, then with this one.

Reversed (down to 0002), it drops the deadlines' tables if they are there, as reversing 0003
did; the deadlines app, reversed first, leaves them in place."""

from django.db import migrations, models

# The deadlines' tables, history and child tables first (0003 created them under these names;
# the deadlines app keeps the names).
LEGACY_TABLES = (
    "protection_historicalnotification",
    "protection_historicaloverdueflag",
    "protection_historicalperiodicrun",
    "protection_notification",
    "protection_periodicrun",
    "protection_overdueflag",
)

ROLES = [
    ("reception", "Recepción de casos (URCRR)"),
    ("analyst", "Evaluación de riesgo (UER)"),
    ("follow_up", "Seguimiento (UPSA)"),
    ("coordinator", "Coordinación Ejecutiva (CEN)"),
    ("board_government", "Junta de Gobierno: gobierno"),
    ("board_civil", "Junta de Gobierno: sociedad civil"),
    ("consultant", "Consultoría o contratista externo"),
    ("authority", "Autoridad implementadora"),
    ("administrator", "Administración del sistema"),
]
CLOCKS = [
    ("urgent_issue", "Emisión de medidas urgentes"),
    ("urgent_implement", "Implementación de medidas urgentes"),
    ("risk_study", "Estudio de evaluación de riesgo"),
    ("board_papers", "Envío de documentos a la Junta"),
    ("notification", "Comunicación del acuerdo a autoridades"),
    ("implementation", "Implementación de medidas"),
    ("reevaluation", "Revaluación periódica"),
    ("appeal_filing", "Plazo para inconformidad (ordinaria)"),
    ("appeal_consejo_ruling", "Dictamen del Consejo sobre inconformidad"),
    ("urgent_appeal_filing", "Plazo para inconformidad (urgente)"),
    ("urgent_appeal_ruling", "Resolución de inconformidad urgente"),
    ("rediscussion", "Respuesta a solicitud de nueva discusión"),
    ("appeal_board_ruling", "Resolución de la Junta sobre inconformidad"),
    ("emergency_response", "Respuesta a una emergencia"),
    ("report_contradicted", "Reporte de autoridad contradicho"),
]
UNITS = [
    ("minutes", "minutos"),
    ("hours", "horas"),
    ("days", "días naturales"),
    ("months", "meses"),
]


class DropLegacyTablesBackwards(migrations.operations.base.Operation):
    """Nothing forwards; backwards, drop those of LEGACY_TABLES that exist (reversing 0003)."""

    reversible = True
    reduces_to_sql = False

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        existing = set(schema_editor.connection.introspection.table_names())
        for table in LEGACY_TABLES:
            if table in existing:
                schema_editor.execute(
                    schema_editor.sql_delete_table % {"table": schema_editor.quote_name(table)}
                )

    def describe(self):
        return "Backwards: drop the deadlines' tables protection 0003 created"


def seed_new_clocks(apps, schema_editor):
    # From 0005, frozen: the Board's ruling on an appeal gets its configurable row like every
    # other clock.
    ClockDefinition = apps.get_model("protection", "ClockDefinition")
    ClockDefinition.objects.get_or_create(
        clock="appeal_board_ruling",
        defaults={
            "amount": 1,
            "unit": "months",
            "responsible_role": "coordinator",
            "legal_basis": "art. 58-IV",
        },
    )


class Migration(migrations.Migration):
    replaces = [
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

    dependencies = [
        ("protection", "0002_reference_data"),
    ]

    operations = [
        DropLegacyTablesBackwards(),
        migrations.AddField(
            model_name="historicalnumberseries",
            name="earlier_years",
            field=models.JSONField(default=dict, verbose_name="últimos números de años anteriores"),
        ),
        migrations.AddField(
            model_name="numberseries",
            name="earlier_years",
            field=models.JSONField(default=dict, verbose_name="últimos números de años anteriores"),
        ),
        migrations.AlterField(
            model_name="clockdefinition",
            name="clock",
            field=models.CharField(choices=CLOCKS, max_length=40, unique=True, verbose_name="plazo"),
        ),
        migrations.AlterField(
            model_name="historicalclockdefinition",
            name="clock",
            field=models.CharField(
                choices=CLOCKS, db_index=True, max_length=40, verbose_name="plazo"
            ),
        ),
        migrations.AlterField(
            model_name="clockdefinition",
            name="unit",
            field=models.CharField(choices=UNITS, max_length=10, verbose_name="unidad"),
        ),
        migrations.AlterField(
            model_name="historicalclockdefinition",
            name="unit",
            field=models.CharField(choices=UNITS, max_length=10, verbose_name="unidad"),
        ),
        migrations.AlterField(
            model_name="clockdefinition",
            name="responsible_role",
            field=models.CharField(choices=ROLES, max_length=32, verbose_name="rol responsable"),
        ),
        migrations.AlterField(
            model_name="historicalclockdefinition",
            name="responsible_role",
            field=models.CharField(choices=ROLES, max_length=32, verbose_name="rol responsable"),
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=ROLES, default="reception", max_length=32, verbose_name="rol"
            ),
        ),
        migrations.AlterField(
            model_name="historicaluser",
            name="role",
            field=models.CharField(
                choices=ROLES, default="reception", max_length=32, verbose_name="rol"
            ),
        ),
        migrations.RunPython(seed_new_clocks, migrations.RunPython.noop),
    ]
