"""Case pages: the lists and case page (urls_core) and every casework step (urls_steps)."""

from . import urls_core, urls_steps

app_name = "cases"
urlpatterns = [*urls_core.urlpatterns, *urls_steps.urlpatterns]
