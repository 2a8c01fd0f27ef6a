"""Project pages: the health check and the error pages. (The home page is the cases app's:
cases/views_home.py.)"""

from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token


def healthz(request):
    """For the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# The app's own error pages in every mode (settings.DEBUG off, the default everywhere except a
# developer's opt-in): never Django's debug page with its URL patterns and settings.


@requires_csrf_token
def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="404.html")


@requires_csrf_token
def permission_denied(request, exception):
    return defaults.permission_denied(request, exception, template_name="403.html")


@requires_csrf_token
def server_error(request):
    """Rendered without the request's context: whatever failed (the database, a context
    processor) must not fail this page too."""
    return HttpResponseServerError(loader.get_template("500.html").render())
