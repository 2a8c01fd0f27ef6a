"""Board pages under /medidas/junta/: sessions and agendas (coordination), decisions, papers,
re-discussion requests, and the Board members' portal. Names start with board_."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("junta/sesiones/", v.sessions, name="board_sessions"),
    path("junta/sesiones/<int:pk>/", v.session_detail, name="board_session"),
    path(
        "junta/sesiones/<int:pk>/asistencia/<int:member_pk>/", v.attendance, name="board_attendance"
    ),
    path("junta/sesiones/<int:pk>/abrir/", v.session_open, name="board_session_open"),
    path("junta/sesiones/<int:pk>/cerrar/", v.session_close, name="board_session_close"),
    path("junta/sesiones/<int:pk>/motivos/", v.session_waiver, name="board_session_waiver"),
    path("junta/sesiones/<int:pk>/orden-del-dia/agregar/", v.agenda_add, name="board_agenda_add"),
    path(
        "junta/sesiones/<int:pk>/carpeta/generar/", v.papers_generate, name="board_papers_generate"
    ),
    path("junta/sesiones/<int:pk>/carpeta/enviar/", v.papers_send, name="board_papers_send"),
    path("junta/sesiones/<int:pk>/carpeta.pdf", v.papers_download, name="board_papers_download"),
    path("junta/puntos/<int:pk>/", v.item_detail, name="board_item"),
    path("junta/puntos/<int:pk>/mover/", v.item_move, name="board_item_move"),
    path("junta/puntos/<int:pk>/diferir/", v.item_defer, name="board_item_defer"),
    path("junta/puntos/<int:pk>/presencia/", v.item_presence, name="board_item_presence"),
    path("junta/puntos/<int:pk>/acuerdo/", v.decision_record, name="board_decision_record"),
    path("junta/acuerdos/<int:pk>/", v.decision_detail, name="board_decision"),
    path("junta/acuerdos/<int:pk>/corregir/", v.decision_edit, name="board_decision_edit"),
    path("junta/acuerdos/<int:pk>/medidas/", v.decision_line_add, name="board_decision_line_add"),
    path(
        "junta/acuerdos/medidas/<int:pk>/quitar/",
        v.decision_line_remove,
        name="board_decision_line_remove",
    ),
    path("junta/acuerdos/<int:pk>/confirmar/", v.decision_confirm, name="board_decision_confirm"),
    path("junta/nueva-discusion/", v.rediscussions, name="board_rediscussions"),
    path("junta/portal/", v.portal, name="board_portal"),
    path("junta/portal/sesiones/<int:pk>/", v.portal_session, name="board_portal_session"),
    path("junta/portal/puntos/<int:pk>/", v.portal_item, name="board_portal_item"),
]
