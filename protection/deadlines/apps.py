"""The deadlines app's configuration (label "deadlines"): overdue flags, notifications and
periodic runs."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "protection.deadlines"
    label = "deadlines"
    verbose_name = _("Plazos vencidos y avisos")
    default_auto_field = "django.db.models.BigAutoField"
