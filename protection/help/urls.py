"""The help pages under /ayuda/: the user's role, another role, the glossary (names without a
namespace: help, help_role, glossary)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.help_page, name="help"),
    path("glosario/", views.glossary, name="glossary"),
    path("<slug:role>/", views.help_page, name="help_role"),
]
