"""The reports app's configuration: SQLite functions for tests and the case facts' signal
receivers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "protection.reports"
    label = "reports"
    verbose_name = _("Indicadores, informes y exportaciones")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported once the apps are loaded: both connect receivers to the domain's models.
        from . import sqlite_functions

        sqlite_functions.connect_signal()
