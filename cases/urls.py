"""Case pages: the lists and case page (urls_core), every casework step (urls_steps) and the
contact and emergency log (urls_contacts)."""

from . import urls_contacts, urls_core, urls_steps

app_name = "cases"
urlpatterns = [*urls_core.urlpatterns, *urls_steps.urlpatterns, *urls_contacts.urlpatterns]
