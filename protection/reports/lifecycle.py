"""The export job's map (ExportJob.status): queued, claimed by a worker, done, failed, expired.

Workers move jobs with conditional UPDATEs (`EXPORT.bulk`): a job is claimed only from a state the
step allows, so two workers never build the same file and a finished job is never restarted.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from protection.transitions import StateMachine, Step

from .models import ExportJob
from .models import ExportStatus as S

EXPORT = StateMachine(
    ExportJob,
    states=S,
    describe=lambda job: _("la exportación %(id)s") % {"id": job.pk},
    steps=[
        Step(
            "build_now",
            (S.PENDING,),
            S.DONE,
            gettext_lazy("entregar la exportación al momento"),
            policy="reports.export",
        ),
        # A stale RUNNING claim (a worker that died) may be claimed again.
        Step("claim", (S.PENDING, S.RUNNING), S.RUNNING, gettext_lazy("tomar la exportación")),
        Step("finish", (S.RUNNING,), S.DONE, gettext_lazy("terminar la exportación")),
        Step("fail", (S.RUNNING,), S.FAILED, gettext_lazy("registrar el error")),
        Step("requeue", (S.RUNNING,), S.PENDING, gettext_lazy("volver a poner en espera")),
        Step("expire", (S.DONE,), S.EXPIRED, gettext_lazy("vencer la descarga")),
    ],
)
