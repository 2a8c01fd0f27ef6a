"""Recording a person's fate from the case page (cases.services_gravest)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from . import services_gravest
from .forms_gravest import LifeStatusForm
from .models import CasePerson, LifeStatus, Person
from .views_steps import case_for, step_page


@login_required
@require_http_methods(["GET", "POST"])
def person_life_status(request, pk, person_pk):
    case = case_for(request, pk, "person.life_status")
    if not CasePerson.objects.filter(case=case, person_id=person_pk).exists():
        raise Http404
    person = get_object_or_404(Person, pk=person_pk)
    form = LifeStatusForm(request.POST or None, person=person)
    ended = []

    def perform(cd):
        ended.extend(
            services_gravest.person_life_status_record(
                actor=request.user,
                case=case,
                person=person,
                status=cd["status"],
                on=cd["on"],
                notes=cd["notes"],
            )
        )
        if ended:
            messages.warning(
                request,
                ngettext(
                    "%(n)s medida de la persona concluyó por este motivo.",
                    "%(n)s medidas de la persona concluyeron por este motivo.",
                    len(ended),
                )
                % {"n": len(ended)},
            )

    return step_page(
        request,
        case=case,
        title=_("Situación de %(name)s") % {"name": person.full_name},
        intro=_(
            "Situación registrada ahora: %(status)s. Si la persona fue desaparecida o falleció, "
            "sus medidas vigentes concluyen con ese motivo y así aparece en todas las listas."
        )
        % {"status": LifeStatus(person.life_status).label},
        form=form,
        perform=perform,
        success_message=_("Situación de la persona registrada."),
        submit_label=_("Registrar situación"),
    )
