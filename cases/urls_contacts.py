"""The contact and emergency log of a case (views in cases/views_contacts.py)."""

from django.urls import path

from . import views_contacts as v

urlpatterns = [
    path("<int:pk>/contactos/", v.contacts, name="contacts"),
    path("<int:pk>/contactos/<int:entry_pk>/corregir/", v.contact_edit, name="contact_edit"),
    path("<int:pk>/contactos/<int:entry_pk>/revisar/", v.contact_review, name="contact_review"),
]
