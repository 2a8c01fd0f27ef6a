"""The implementing-authority portal, under its own prefix (/autoridad/): measures/views_authority.py."""

from django.urls import path

from . import views_authority as v

app_name = "authority"
urlpatterns = [
    path("", v.home, name="home"),
    path("medidas/<int:pk>/", v.measure, name="measure"),
    path("invitacion/<uidb64>/<token>/", v.invitation, name="invitation"),
]
