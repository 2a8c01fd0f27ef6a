"""Every periodic job, in one place.

protection/celery.py loads BEAT_SCHEDULE into Celery beat; administrators see the same list,
with each job's last run, at /avisos/programacion/ (protection.deadlines.views.schedule).
Times are UTC (CELERY_TIMEZONE).
"""

from dataclasses import dataclass
from datetime import timedelta

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    schedule: object  # timedelta or crontab
    description: str
    # A run not started within this many seconds is dropped: after an outage the queue does not
    # fill with stale copies of the same sweep.
    expires: int

    @property
    def every(self):
        """The interval, for jobs that run at a fixed interval."""
        return self.schedule if isinstance(self.schedule, timedelta) else timedelta(days=1)


SWEEP_JOB = Job(
    "deadlines-watch",
    "protection.tasks.deadlines_watch",
    timedelta(minutes=5),
    _(
        "Revisa todos los plazos legales: levanta y cierra avisos de vencimiento, avisa a la "
        "persona responsable y escala a la Coordinación (los urgentes, en menos de una hora)."
    ),
    expires=4 * 60,
)

JOBS = (
    SWEEP_JOB,
    Job(
        "outbox-requeue",
        "protection.tasks.outbox_requeue",
        timedelta(minutes=5),
        _(
            "Vuelve a encolar el trabajo detenido: oficios por generar y correos urgentes sin "
            "enviar (por ejemplo, tras una caída de Redis o de un proceso de tareas)."
        ),
        expires=4 * 60,
    ),
    Job(
        "digests-daily",
        "protection.tasks.digests_send_due",
        crontab(hour=13, minute=0),
        _(
            "Envía a cada persona el resumen diario por correo de sus avisos pendientes "
            "(13:00 UTC, 07:00 en la Ciudad de México)."
        ),
        expires=6 * 60 * 60,
    ),
    Job(
        "exports-purge",
        "protection.reports.tasks.exports_purge",
        timedelta(hours=1),
        _(
            "Borra los archivos de exportación vencidos y vuelve a encolar las exportaciones "
            "en segundo plano que quedaron detenidas."
        ),
        expires=50 * 60,
    ),
    Job(
        "case-facts-rebuild",
        "protection.reports.tasks.facts_rebuild",
        crontab(hour=9, minute=30),
        _(
            "Recalcula desde los registros lo que los indicadores guardan de cada expediente: sus "
            "fechas clave, sus revaluaciones, los conteos de cumplimiento de sus medidas y los de "
            "los motivos de admisibilidad (09:30 UTC, 03:30 en la Ciudad de México); se "
            "actualizan también al momento con cada cambio."
        ),
        expires=6 * 60 * 60,
    ),
    Job(
        "case-counts-rebuild",
        "cases.tasks.case_counts_rebuild",
        crontab(hour=9, minute=45),
        _(
            "Recalcula desde los expedientes los conteos por etapa y de medidas sin persona de "
            "seguimiento que muestra la página de inicio (09:45 UTC, 03:45 en la Ciudad de "
            "México); se actualizan también al momento con cada cambio."
        ),
        expires=6 * 60 * 60,
    ),
)

BEAT_SCHEDULE = {
    job.name: {"task": job.task, "schedule": job.schedule, "options": {"expires": job.expires}}
    for job in JOBS
}
