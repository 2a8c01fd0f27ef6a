"""The documents app's configuration: registers the upload checks when the app is ready."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "cases.documents"
    label = "documents"
    verbose_name = _("Documentos del expediente")

    def ready(self):
        # Imported once the apps are loaded (validation reads settings and models).
        from . import validation

        validation.configure_image_libraries()
