"""The Coordination's pages for implementing authorities' users (measures/views_authority.py)."""

from django.urls import path

from . import views_authority as v

urlpatterns = [
    path("autoridades/usuarios/", v.authority_users, name="authority_users"),
    path("autoridades/usuarios/invitar/", v.authority_invite, name="authority_invite"),
]
