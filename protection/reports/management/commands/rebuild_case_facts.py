"""manage.py rebuild_case_facts: recompute what the indicators keep of every case (its milestone
dates in CaseFacts, its re-evaluations, the compliance and admissibility-reason counts) from the
records."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from protection.reports.facts import rebuild


class Command(BaseCommand):
    help = _(
        "Recalcula desde los registros lo que los indicadores guardan de cada expediente: "
        "fechas clave (CaseFacts), revaluaciones, conteos de cumplimiento y de motivos de "
        "admisibilidad."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = rebuild()
        self.stdout.write(
            _("Hitos recalculados para %(n)s expedientes en %(s).1f s.")
            % {"n": f"{rows:,}", "s": time.monotonic() - started}
        )
