"""Default clock durations (Mexico) and numbering series, seeded by migration."""

from .clocks import DEFAULT_RULES

NUMBER_SERIES = [
    # key, name, pattern, prefix
    ("case", "Expedientes", "{prefix}/{year}/{number:04d}", "MPPDDHP"),
    ("letter", "Oficios", "{prefix}/{number:05d}/{year}", "SEGOB/CEN"),
    ("decision", "Acuerdos de la Junta", "{prefix}/{year}/{number:04d}", "JG/ACU"),
]


def load(apps):
    ClockDefinition = apps.get_model("protection", "ClockDefinition")
    NumberSeries = apps.get_model("protection", "NumberSeries")
    for clock, rule in DEFAULT_RULES.items():
        ClockDefinition.objects.get_or_create(
            clock=clock.value,
            defaults={
                "amount": rule.amount,
                "unit": str(rule.unit),
                "responsible_role": str(rule.responsible_role),
                "legal_basis": rule.legal_basis,
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
