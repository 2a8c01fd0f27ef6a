"""The case list and the case page. The casework steps are in urls_steps."""

from django.urls import path

from . import views, views_calendar, views_handover, views_summary

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/historial/", views.case_timeline_more, name="timeline"),
    path("<int:pk>/resumen.pdf", views_summary.case_summary, name="summary_pdf"),
    path("plazos/", views_calendar.deadline_calendar, name="calendar"),
    path("plazos/enlace/", views_calendar.calendar_feed_link, name="calendar_feed_link"),
    path("plazos/ical/<str:secret>/", views_calendar.calendar_feed, name="calendar_feed"),
    path("traspaso/", views_handover.handover, name="handover"),
    path("traspaso/<int:pk>/", views_handover.handover_detail, name="handover_detail"),
]
