from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "protection.reports"
    label = "reports"
    verbose_name = _("Indicadores, informes y exportaciones")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import sqlite_functions

        sqlite_functions.connect_signal()
