from django.db import migrations


def load(apps, schema_editor):
    from protection import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("protection", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
