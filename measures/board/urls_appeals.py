"""Appeals and their steps, re-discussion requests and proposals to modify measures, all reached
from the case page (measures/views_appeals.py)."""

from django.urls import path

from . import views_appeals as v

urlpatterns = [
    path("expedientes/<int:pk>/inconformidades/nueva/", v.appeal_file, name="appeal_file"),
    path("inconformidades/<int:pk>/", v.appeal_detail, name="appeal_detail"),
    path(
        "inconformidades/<int:pk>/resolver-urgente/",
        v.appeal_rule_urgent,
        name="appeal_rule_urgent",
    ),
    path("inconformidades/<int:pk>/nuevo-estudio/", v.appeal_new_study, name="appeal_new_study"),
    path(
        "inconformidades/<int:pk>/estudio-independiente/",
        v.appeal_independent,
        name="appeal_independent",
    ),
    path("inconformidades/<int:pk>/dictamen-consejo/", v.appeal_consejo, name="appeal_consejo"),
    path("inconformidades/<int:pk>/orden-del-dia/", v.appeal_agenda, name="appeal_agenda"),
    path("expedientes/<int:pk>/nueva-discusion/", v.rediscussion_add, name="rediscussion_add"),
    path(
        "expedientes/<int:pk>/proponer-modificacion/",
        v.modification_propose,
        name="modification_propose",
    ),
]
