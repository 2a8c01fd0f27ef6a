from django.db import migrations

# Reference data as it stood when this migration was written, frozen here: a data migration must
# not import live modules, whose data and models move on (measures/reference.py is the live copy).

# (code, name, category, legal_basis, is_device)
MEASURE_TYPES = [
    ("evacuation", "Evacuación", "urgent", "art. 32-I", False),
    ("temporary_relocation", "Reubicación temporal", "urgent", "art. 32-II", False),
    ("escorts", "Escoltas de cuerpos especializados", "urgent", "art. 32-III", False),
    ("property_protection", "Protección de inmuebles", "urgent", "art. 32-IV", False),
    ("urgent_other", "Otra medida urgente", "urgent", "art. 32-V", False),
    ("mobile_phone", "Teléfono celular", "protection", "art. 33-I", True),
    ("radio_phone", "Equipo de radiocomunicación", "protection", "art. 33-I", True),
    ("satellite_phone", "Teléfono satelital", "protection", "art. 33-I", True),
    ("cameras", "Cámaras de seguridad", "protection", "art. 33-II", True),
    ("locks", "Cerraduras", "protection", "art. 33-II", False),
    ("lighting", "Luces e iluminación", "protection", "art. 33-II", False),
    ("alarms", "Alarmas", "protection", "art. 33-II", True),
    (
        "home_security_other",
        "Otras medidas de seguridad en domicilio u oficina",
        "protection",
        "art. 33-II",
        False,
    ),
    ("bulletproof_vest", "Chaleco antibalas", "protection", "art. 33-III", False),
    ("metal_detector", "Detector de metales", "protection", "art. 33-IV", True),
    ("armoured_vehicle", "Vehículo blindado", "protection", "art. 33-V", False),
    ("patrols", "Rondines policiales", "protection", "reglamento", False),
    ("panic_button", "Botón de pánico", "protection", "reglamento", True),
    (
        "safe_house",
        "Resguardo en casa de protección con apoyo de subsistencia",
        "protection",
        "reglamento",
        False,
    ),
    ("logistics", "Apoyo logístico", "protection", "reglamento", False),
    ("protection_other", "Otra medida de protección", "protection", "art. 33-VI", False),
    ("instruction_sheets", "Instructivos y manuales", "preventive", "art. 34-I", False),
    (
        "self_protection_course",
        "Curso de autoprotección individual",
        "preventive",
        "art. 34-II",
        False,
    ),
    (
        "collective_self_protection",
        "Curso de autoprotección colectiva",
        "preventive",
        "art. 34-II",
        False,
    ),
    (
        "observer_accompaniment",
        "Acompañamiento de observadores",
        "preventive",
        "art. 34-III",
        False,
    ),
    ("preventive_other", "Otra medida preventiva", "preventive", "art. 34-IV", False),
    ("collective_plan", "Plan de protección colectiva", "collective", "", False),
    ("community_early_warning", "Red comunitaria de alerta temprana", "collective", "", False),
    ("psychosocial_support", "Acompañamiento psicosocial", "psychosocial", "", False),
]


def load(apps, schema_editor):
    MeasureType = apps.get_model("measures", "MeasureType")
    for code, name, category, basis, is_device in MEASURE_TYPES:
        MeasureType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "legal_basis": basis,
                "is_device": is_device,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("measures", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
