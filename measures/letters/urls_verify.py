"""Public verification of letters (no login): /verificar/ and /verificar/<code>/."""

from django.urls import path

from . import views

app_name = "verify"
urlpatterns = [
    path("", views.verify_index, name="index"),
    path("<str:code>/", views.verify_letter, name="letter"),
]
