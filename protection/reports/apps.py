"""The reports app's configuration: SQLite functions for tests, the case facts' signal
receivers, and the fill of the tables derived from case data after `migrate` (derived.py)."""

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
        # Derived tables filled once every migration is applied, not inside their migrations;
        # post_migrate is sent once per app: this receiver listens for this app's only.
        from django.db.models.signals import post_migrate

        from .derived import fill_after_migrate

        post_migrate.connect(fill_after_migrate, sender=self, dispatch_uid="reports.derived")
