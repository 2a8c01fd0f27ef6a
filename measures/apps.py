"""The measures app's configuration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Medidas y Junta de Gobierno")
    # The app is split by sub-domain, each with its own map (protection.transitions.machines).
    lifecycle_modules = (
        "measures.lifecycle",
        "measures.board.lifecycle",
        "measures.letters.lifecycle",
    )

    def ready(self):
        # The Board answers what letters announce (the decision's date of communication): the
        # receivers are connected once the apps are loaded.
        from .board import receivers  # noqa: F401
