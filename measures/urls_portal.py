"""The implementing-authority portal, under its own prefix (/autoridad/): measures/views_authority.py."""

from django.urls import path

from . import views_authority as v

app_name = "authority"
urlpatterns = [
    path("", v.home, name="home"),
    path("medidas/<int:pk>/", v.measure, name="measure"),
    path("medidas/<int:pk>/reportar/", v.report_add, name="report_add"),
    path("oficios/<int:pk>/", v.letter, name="letter"),
    path("oficios/<int:pk>/pdf/", v.letter_file, name="letter_file"),
    path("oficios/<int:pk>/acuse/", v.letter_acknowledge, name="letter_acknowledge"),
    path("documentos/<int:pk>/", v.document_file, name="document_file"),
    path("invitacion/<uidb64>/<token>/", v.invitation, name="invitation"),
]
