"""The case list and the case page. The casework steps are in urls_steps."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/historial/", views.case_timeline_more, name="timeline"),
]
