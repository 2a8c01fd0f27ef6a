from django.db import migrations


def load(apps, schema_editor):
    from measures import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("measures", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
