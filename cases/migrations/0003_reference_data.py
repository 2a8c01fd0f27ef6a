from django.db import migrations


def load(apps, schema_editor):
    from cases import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
