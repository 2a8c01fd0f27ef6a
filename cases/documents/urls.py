"""URLs of the document pages (namespace documents)."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("expediente/<int:case_pk>/subir/", views.document_upload, name="upload"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/archivo/", views.document_file, name="file"),
    path("<int:pk>/original/", views.document_original, name="original"),
    path("<int:pk>/retirar/", views.document_withdraw, name="withdraw"),
    path("<int:pk>/sustituir/", views.document_replace, name="replace"),
]
