"""The protection app's configuration: installs the choice-label maps, the timestamp loader and the
prepared-statement cache size of new connections when the app is ready."""

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
