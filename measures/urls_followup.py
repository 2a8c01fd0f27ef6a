"""Following measures (measures/views_followup.py)."""

from django.urls import path

from . import views_followup as v
from . import views_reports

urlpatterns = [
    path("<int:pk>/", v.measure_detail, name="measure_detail"),
    path("<int:pk>/eventos/agregar/", v.event_add, name="event_add"),
    path(
        "<int:pk>/eventos/<int:event_pk>/confirmar/",
        v.report_confirm,
        name="report_confirm",
    ),
    path(
        "<int:pk>/eventos/<int:event_pk>/contradicho/",
        views_reports.report_contradict,
        name="report_contradict",
    ),
    path(
        "<int:pk>/eventos/<int:event_pk>/atender-contradiccion/",
        views_reports.report_contradiction_resolve,
        name="report_contradiction_resolve",
    ),
    path("expedientes/<int:pk>/suspensiones/agregar/", v.legal_hold_add, name="legal_hold_add"),
    path(
        "expedientes/<int:pk>/suspensiones/<int:hold_pk>/levantar/",
        v.legal_hold_lift,
        name="legal_hold_lift",
    ),
]
