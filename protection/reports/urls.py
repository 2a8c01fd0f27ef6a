"""URLs of the indicators, aggressions, annual report and exports (namespace reports)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.indicators, name="indicators"),
    path("agresiones/", views.aggressions, name="aggressions"),
    path("informe-anual/", views.annual, name="annual"),
    path("informe-anual/<int:year>.pdf", views.annual_pdf, name="annual_pdf"),
    path("informe-anual/<int:year>/generar/", views.annual_pdf_start, name="annual_pdf_start"),
    path("exportaciones/", views.export_list, name="exports"),
    path("exportar/<str:kind>.<str:file_format>", views.export, name="export"),
    path("exportaciones/<uuid:pk>/", views.export_job, name="export_job"),
    path("exportaciones/<uuid:pk>/descargar/", views.export_download, name="export_download"),
]
