"""The Coordination's pages for implementing authorities' users (measures/views_authority.py)."""

from django.urls import path

from measures.letters import views_addressees

from . import views_authority as v

urlpatterns = [
    path("autoridades/usuarios/", v.authority_users, name="authority_users"),
    path("autoridades/usuarios/invitar/", v.authority_invite, name="authority_invite"),
    path(
        "junta/oficios/<int:pk>/entrega-portal/",
        v.letter_deliver_portal,
        name="letter_deliver_portal",
    ),
    path(
        "autoridades/destinatarios/",
        views_addressees.authority_addressees,
        name="authority_addressees",
    ),
    path(
        "autoridades/<int:pk>/destinatario/",
        views_addressees.authority_addressee_edit,
        name="authority_addressee_edit",
    ),
]
