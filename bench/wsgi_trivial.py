"""A trivial Django view served like the project (same settings, same middleware, gunicorn): the
baseline the benchmark divides each page's throughput by. Its URLconf is this module: one route,
no database, no template. It adds no URL to the project.

    gunicorn bench.wsgi_trivial:application
"""

import os

from django.http import HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["BENCH_ROOT_URLCONF"] = __name__


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


# The view policy (protection.security.policy) is declared per URL name and refuses names it does
# not know; this route takes the health check's name, so it gets the same public rule.
urlpatterns = [path("", trivial, name="healthz")]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
