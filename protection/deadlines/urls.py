"""The alerts: /avisos/ (bell, list, mark as read), overdue flags, the periodic-job schedule."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/leido/", views.notification_read, name="read"),
    path("leidos/", views.notifications_read_all, name="read_all"),
    path("campana/", views.bell, name="bell"),
    path("vencidos/", views.flag_list, name="flags"),
    path("programacion/", views.schedule, name="schedule"),
]
