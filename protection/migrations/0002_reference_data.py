from django.db import migrations

# Reference data as it stood when this migration was written, frozen here: a data migration must
# not import live modules, whose data and models move on (protection/clocks.py DEFAULT_RULES and
# protection/reference.py are the live copies).

CLOCK_RULES = [
    # clock, amount, unit, responsible role, legal basis
    ("urgent_issue", 3, "hours", "reception", "art. 26-I"),
    ("urgent_implement", 9, "hours", "reception", "art. 26-II"),
    ("risk_study", 10, "days", "analyst", "art. 27"),
    ("board_papers", 5, "days", "coordinator", "art. 18-I"),
    ("notification", 72, "hours", "coordinator", "art. 29-I"),
    ("implementation", 30, "days", "follow_up", "art. 29-II"),
    ("reevaluation", 12, "months", "analyst", "arts. 21, 35, 39"),
    ("appeal_filing", 30, "days", "coordinator", "art. 57"),
    ("appeal_consejo_ruling", 15, "days", "coordinator", "art. 58"),
    ("urgent_appeal_filing", 10, "days", "coordinator", "art. 61"),
    ("urgent_appeal_ruling", 12, "hours", "coordinator", "art. 62"),
    ("rediscussion", 30, "days", "coordinator", ""),
]
NUMBER_SERIES = [
    # key, name, pattern, prefix
    ("case", "Expedientes", "{prefix}/{year}/{number:04d}", "MPPDDHP"),
    ("letter", "Oficios", "{prefix}/{number:05d}/{year}", "SEGOB/CEN"),
    ("decision", "Acuerdos de la Junta", "{prefix}/{year}/{number:04d}", "JG/ACU"),
]


def load(apps, schema_editor):
    ClockDefinition = apps.get_model("protection", "ClockDefinition")
    NumberSeries = apps.get_model("protection", "NumberSeries")
    for clock, amount, unit, role, legal_basis in CLOCK_RULES:
        ClockDefinition.objects.get_or_create(
            clock=clock,
            defaults={
                "amount": amount,
                "unit": unit,
                "responsible_role": role,
                "legal_basis": legal_basis,
            },
        )
    for key, name, pattern, prefix in NUMBER_SERIES:
        NumberSeries.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "pattern": pattern,
                "prefix": prefix,
                "year": 2026,
                "last_number": 0,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("protection", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
