"""The usual kinds of papers in a protection case (editable in the admin)."""

from django.db import migrations

CATEGORIES = [
    ("solicitud-firmada", "Solicitud firmada", 10),
    ("consentimiento", "Consentimiento (escrito o grabado)", 20),
    ("evidencia-agresion", "Evidencia de una agresión (fotografías, mensajes, audio)", 30),
    ("denuncia", "Denuncia ante la fiscalía", 40),
    ("resolucion-organismo", "Resolución de otro organismo (CNDH, CIDH, Corte IDH)", 50),
    ("resolucion-judicial", "Resolución judicial (amparo, suspensión)", 60),
    ("acta-junta", "Acta o acuerdo firmado de la Junta", 70),
    ("inconformidad", "Escrito de inconformidad", 80),
    ("acuse", "Acuse de recibo de un oficio", 90),
    ("prueba-implementacion", "Prueba de implementación (entrega, instalación)", 100),
    ("otro", "Otro documento", 900),
]


def load(apps, schema_editor):
    Category = apps.get_model("documents", "DocumentCategory")
    for code, name, order in CATEGORIES:
        Category.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
