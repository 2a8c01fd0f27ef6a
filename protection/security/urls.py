"""URLs of the security pages: two-factor setup and login, recovery codes, the account, audit and
break-glass (namespace security)."""

from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("verificacion/", views.otp, name="otp"),
    path("verificacion/alta/", views.otp_setup, name="otp_setup"),
    path("codigos-de-recuperacion/", views.recovery_codes, name="recovery_codes"),
    path("mi-cuenta/", views.account, name="account"),
    path("mi-cuenta/autenticador/<int:pk>/quitar/", views.device_remove, name="device_remove"),
    path("usuarios/", views.users, name="users"),
    path(
        "usuarios/<int:pk>/restablecer-segundo-factor/",
        views.two_factor_reset,
        name="two_factor_reset",
    ),
    path("acceso-de-emergencia/", views.break_glass, name="break_glass"),
    path("acceso-de-emergencia/<int:pk>/cerrar/", views.break_glass_end, name="break_glass_end"),
    path("bitacora/", views.audit_log, name="audit_log"),
    path("bitacora/<int:pk>/busqueda/", views.audit_search_reveal, name="audit_search_reveal"),
    path("bitacora/expediente/<int:pk>/", views.case_readers, name="case_readers"),
]
