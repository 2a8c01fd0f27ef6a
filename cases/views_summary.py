"""The printable case summary (cases/summary.py) as a PDF download."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from protection import access

from .selectors import case_get_for
from .summary import case_summary_pdf


@login_required
@require_GET
def case_summary(request, pk):
    if not access.can(request.user, "case.view"):
        raise PermissionDenied
    case = case_get_for(request.user, pk)  # scoped (404) and noted in the read log
    response = HttpResponse(case_summary_pdf(request.user, case), content_type="application/pdf")
    filename = "resumen-" + "".join(c if c.isalnum() else "-" for c in case.file_number)
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
