from django.db import migrations

# Reference data as it stood when this migration was written, frozen here: a data migration must
# not import live modules, whose data and models move on (risk/reference.py is the live copy).

SCALE_NAME = "Escala del Mecanismo federal (ordinario / extraordinario)"


# (code, name, rank, min_score, description)
LEVELS = [
    (
        "ordinary",
        "Ordinario",
        1,
        0,
        "Riesgo presente, sin indicios de que una agresión grave sea inminente.",
    ),
    (
        "extraordinary",
        "Extraordinario",
        2,
        50,
        "Riesgo grave, específico y probable de daño a la vida, integridad o libertad.",
    ),
]


# (code, name, group, question, weight, reduces_risk)
FACTORS = [
    (
        "aggressor_capacity",
        "Capacidad de la persona agresora",
        "aggressor",
        "¿Qué recursos, armas, estructura o influencia tiene quien agrede para cumplir la amenaza?",
        3,
        False,
    ),
    (
        "aggressor_motive",
        "Motivo e interés de la persona agresora",
        "aggressor",
        "¿Qué interés concreto tiene en detener la labor de la persona?",
        2,
        False,
    ),
    (
        "aggressor_steps",
        "Pasos ya dados contra la persona",
        "aggressor",
        "¿Hubo amenazas, vigilancia o agresiones previas? ¿Se intensifican?",
        3,
        False,
    ),
    (
        "vulnerability",
        "Vulnerabilidad de la persona",
        "vulnerability",
        "¿Qué la expone: ubicación, aislamiento, dependientes, salud, situación migratoria?",
        2,
        False,
    ),
    (
        "work_exposure",
        "Exposición por su labor y publicaciones",
        "work",
        "¿Su labor o publicaciones afectan intereses poderosos? ¿Son recientes o visibles?",
        2,
        False,
    ),
    (
        "routines",
        "Rutinas y desplazamientos",
        "vulnerability",
        "¿Sus trayectos, horarios y lugares son predecibles o pasan por zonas de riesgo?",
        1,
        False,
    ),
    (
        "context",
        "Contexto político, económico y social",
        "context",
        "¿Hay conflicto en la zona, presencia de grupos armados, elecciones, megaproyectos?",
        2,
        False,
    ),
    (
        "differential",
        "Factores diferenciales",
        "context",
        "¿Género, identidad indígena, lengua o ruralidad aumentan el riesgo o cambian su forma?",
        2,
        False,
    ),
    (
        "protective_capacity",
        "Capacidad de protección y respuesta",
        "capacity",
        "¿Tiene redes, organización, medidas propias, acompañamiento? (resta al riesgo)",
        2,
        True,
    ),
]


def load(apps, schema_editor):
    RiskScale = apps.get_model("risk", "RiskScale")
    RiskLevel = apps.get_model("risk", "RiskLevel")
    RiskFactor = apps.get_model("risk", "RiskFactor")
    scale, created = RiskScale.objects.get_or_create(name=SCALE_NAME)
    if created and not RiskScale.objects.filter(active=True).exists():
        scale.active = True
        scale.save()
    for code, name, rank, min_score, description in LEVELS:
        RiskLevel.objects.update_or_create(
            scale=scale,
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "min_score": min_score,
                "description": description,
            },
        )
    for order, (code, name, group, question, weight, reduces) in enumerate(FACTORS, start=1):
        RiskFactor.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "group": group,
                "question": question,
                "weight": weight,
                "max_score": 4,
                "reduces_risk": reduces,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
