"""Every casework step (views in cases/views_steps.py). Names are used by the case page."""

from django.urls import path

from . import views_gravest
from . import views_steps as v

urlpatterns = [
    path("nueva-solicitud/", v.request_new, name="request_new"),
    path("<int:pk>/admisibilidad/", v.admissibility, name="admissibility"),
    path("<int:pk>/personas/agregar/", v.party_add, name="party_add"),
    path("<int:pk>/personas/<int:person_pk>/editar/", v.person_edit, name="person_edit"),
    path(
        "<int:pk>/personas/<int:person_pk>/situacion/",
        views_gravest.person_life_status,
        name="person_life_status",
    ),
    path("<int:pk>/agresiones/agregar/", v.aggression_add, name="aggression_add"),
    path("<int:pk>/otros-organismos/agregar/", v.external_add, name="external_add"),
    path("<int:pk>/consentimientos/agregar/", v.consent_add, name="consent_add"),
    path(
        "<int:pk>/consentimientos/<int:consent_pk>/revocar/",
        v.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/consentimientos/<int:consent_pk>/recabar/", v.consent_give, name="consent_give"),
    path("<int:pk>/medidas-urgentes/", v.urgent_issue, name="urgent_issue"),
    path("<int:pk>/accion-inmediata/", v.immediate_assessment, name="immediate_assessment"),
    path("<int:pk>/salida-voluntaria/", v.voluntary_exit, name="voluntary_exit"),
    path("<int:pk>/asignar/", v.assign, name="assign"),
    path("<int:pk>/seguimiento/", v.follow_up_assign, name="follow_up_assign"),
]
