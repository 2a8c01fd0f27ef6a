"""The protection app's configuration: installs the choice-label maps, the timestamp loader and the
prepared-statement cache size of new connections when the app is ready, and fills the tables
derived from case data after `migrate` (protection.derived)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = _("Configuración del mecanismo")

    def ready(self):
        # get_FOO_display() from a label map built once per field (issue 17); it walks every
        # installed model, so it runs once the apps are loaded.
        from .choice_labels import install

        install()
        # timestamptz values parsed by psycopg's compiled loader (issue 17).
        from django.db.backends.signals import connection_created

        from .connections import configure
        from .timestamps import register

        connection_created.connect(register, dispatch_uid="protection.timestamps")
        # Statements prepared on the server: how many a connection keeps (issue 17).
        connection_created.connect(configure, dispatch_uid="protection.connections")
        # Derived tables filled once every migration is applied, not inside their migrations.
        from django.db.models.signals import post_migrate

        from .derived import fill_after_migrate

        post_migrate.connect(fill_after_migrate, sender=self, dispatch_uid="protection.derived")
