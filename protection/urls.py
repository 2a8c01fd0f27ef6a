"""The project's URLs: each app's pages under its prefix, the admin, login, help and error pages."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases.views_home import home

from . import views, views_help
from .security import views as security_views

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", security_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("seguridad/", include("protection.security.urls")),
    path("admin/", admin.site.urls),
    path("casos/", include("cases.urls")),
    path("documentos/", include("cases.documents.urls")),
    path("riesgo/", include("risk.urls")),
    path("medidas/", include("measures.urls")),
    path("autoridad/", include("measures.urls_portal")),
    path("avisos/", include("protection.deadlines.urls")),
    path("verificar/", include("measures.letters.urls_verify")),
    path("indicadores/", include("protection.reports.urls")),
    path("ayuda/", views_help.help_page, name="help"),
    path("ayuda/glosario/", views_help.glossary, name="glossary"),
    path("ayuda/<slug:role>/", views_help.help_page, name="help_role"),
    path("", home, name="home"),
]

handler403 = "protection.views.permission_denied"
handler404 = "protection.views.page_not_found"
handler500 = "protection.views.server_error"

admin.site.site_header = settings.MECHANISM_NAME
admin.site.site_title = "Mecanismo de Protección"
