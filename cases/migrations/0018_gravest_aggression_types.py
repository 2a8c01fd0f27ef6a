"""Which aggression types are the gravest (issue 14 §4): killing, disappearance and armed attack.
Configuration afterwards (AggressionType.gravest in the admin). Plain values only: a data
migration does not import the project's code."""

from django.db import migrations

GRAVEST = ("killing", "disappearance", "armed_attack")


def mark(apps, schema_editor):
    AggressionType = apps.get_model("cases", "AggressionType")
    AggressionType.objects.get_or_create(code="armed_attack", defaults={"name": "Ataque armado"})
    # A queryset update writes no history row: this migration is itself the record of the
    # initial configuration (later changes in the admin keep their history).
    AggressionType.objects.filter(code__in=GRAVEST).update(gravest=True)


def unmark(apps, schema_editor):
    AggressionType = apps.get_model("cases", "AggressionType")
    AggressionType.objects.filter(code__in=GRAVEST).update(gravest=False)


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_gravest_aggressions_life_status")]

    operations = [migrations.RunPython(mark, unmark)]
