from django.db import migrations

# Reference data as it stood when this migration was written, frozen here: a data migration must
# not import live modules, whose data and models move on (cases/reference.py is the live copy).

MEXICAN_STATES = [
    ("AGS", "Aguascalientes"),
    ("BC", "Baja California"),
    ("BCS", "Baja California Sur"),
    ("CAM", "Campeche"),
    ("CHIS", "Chiapas"),
    ("CHIH", "Chihuahua"),
    ("CDMX", "Ciudad de México"),
    ("COAH", "Coahuila"),
    ("COL", "Colima"),
    ("DGO", "Durango"),
    ("GTO", "Guanajuato"),
    ("GRO", "Guerrero"),
    ("HGO", "Hidalgo"),
    ("JAL", "Jalisco"),
    ("MEX", "Estado de México"),
    ("MICH", "Michoacán"),
    ("MOR", "Morelos"),
    ("NAY", "Nayarit"),
    ("NL", "Nuevo León"),
    ("OAX", "Oaxaca"),
    ("PUE", "Puebla"),
    ("QRO", "Querétaro"),
    ("QROO", "Quintana Roo"),
    ("SLP", "San Luis Potosí"),
    ("SIN", "Sinaloa"),
    ("SON", "Sonora"),
    ("TAB", "Tabasco"),
    ("TAMS", "Tamaulipas"),
    ("TLAX", "Tlaxcala"),
    ("VER", "Veracruz"),
    ("YUC", "Yucatán"),
    ("ZAC", "Zacatecas"),
]


AGGRESSION_TYPES = [
    ("threat", "Amenaza"),
    ("harassment", "Hostigamiento"),
    ("surveillance", "Vigilancia o seguimiento"),
    ("stigmatisation", "Estigmatización o campañas de desprestigio"),
    ("digital", "Agresión digital o intervención de comunicaciones"),
    ("physical_attack", "Agresión física"),
    ("raid", "Allanamiento"),
    ("theft_information", "Robo de información o equipo"),
    ("arbitrary_detention", "Detención arbitraria"),
    ("criminalisation", "Criminalización"),
    ("forced_displacement", "Desplazamiento forzado"),
    ("sexual_violence", "Violencia sexual"),
    ("attempted_killing", "Intento de homicidio"),
    ("killing", "Homicidio"),
    ("disappearance", "Desaparición"),
]


# (code, name, for_admission)
ADMISSIBILITY_REASONS = [
    (
        "is_defender_or_journalist",
        "La persona ejerce la defensa de derechos humanos o el periodismo",
        True,
    ),
    ("risk_linked_to_work", "El riesgo está vinculado con su labor", True),
    ("consent_given", "Consta el consentimiento de la persona potencialmente beneficiaria", True),
    ("not_defender_or_journalist", "No se acredita la labor de defensa o periodística", False),
    ("risk_not_linked_to_work", "El riesgo no deriva de la labor de defensa o periodística", False),
    ("no_consent", "No consta el consentimiento y no hay causa grave que lo impida", False),
    (
        "already_protected_same_facts",
        "Ya cuenta con protección del Mecanismo por los mismos hechos",
        False,
    ),
    ("request_withdrawn", "La persona desistió de la solicitud", False),
    ("not_locatable", "No fue posible localizar a la persona para ratificar la solicitud", False),
]


def load(apps, schema_editor):
    State = apps.get_model("cases", "State")
    AggressionType = apps.get_model("cases", "AggressionType")
    AdmissibilityReason = apps.get_model("cases", "AdmissibilityReason")
    for code, name in MEXICAN_STATES:
        State.objects.update_or_create(code=code, defaults={"name": name})
    for code, name in AGGRESSION_TYPES:
        AggressionType.objects.update_or_create(code=code, defaults={"name": name})
    for code, name, for_admission in ADMISSIBILITY_REASONS:
        AdmissibilityReason.objects.update_or_create(
            code=code, defaults={"name": name, "for_admission": for_admission}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
