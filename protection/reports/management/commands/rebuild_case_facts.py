"""manage.py rebuild_case_facts: recompute every case's milestone dates (CaseFacts) from the
records."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from protection.reports.facts import rebuild


class Command(BaseCommand):
    help = _(
        "Recalcula desde los registros las fechas clave de cada expediente que usan los "
        "indicadores (tabla CaseFacts)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = rebuild()
        self.stdout.write(
            _("Hitos recalculados para %(n)s expedientes en %(s).1f s.")
            % {"n": f"{rows:,}", "s": time.monotonic() - started}
        )
