"""Risk unit pages (risk/views.py)."""

from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("expedientes/<int:pk>/estudio/abrir/", views.study_open, name="study_open"),
    path("expedientes/<int:pk>/revaluacion/", views.reevaluation_open, name="reevaluation_open"),
    path("estudios/<int:pk>/", views.study_detail, name="study_detail"),
    path("estudios/<int:pk>/editar/", views.study_edit, name="study_edit"),
    path("estudios/<int:pk>/vista-previa/", views.study_preview, name="study_preview"),
    path("estudios/<int:pk>/enviar/", views.study_submit, name="study_submit"),
    path("estudios/<int:pk>/aprobar/", views.study_approve, name="study_approve"),
    path("estudios/<int:pk>/devolver/", views.study_return, name="study_return"),
    path("estudios/<int:pk>/resumen/", views.study_summary, name="study_summary"),
]
