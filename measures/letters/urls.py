"""Letter pages under /medidas/junta/ (measures/letters/views.py): a session's letters, a batch's
progress, each letter's file, delivery, acknowledgement, new version and retry. The names keep
the board_ prefix they had when these pages were part of the Board's."""

from django.urls import path

from . import views as v

urlpatterns = [
    path(
        "junta/sesiones/<int:pk>/oficios/generar/",
        v.letters_generate,
        name="board_letters_generate",
    ),
    path(
        "junta/oficios/lotes/<int:pk>/progreso/", v.letters_progress, name="board_letters_progress"
    ),
    path("junta/oficios/<int:pk>.pdf", v.letter_download, name="board_letter_download"),
    path("junta/oficios/<int:pk>/entrega/", v.letter_deliver, name="board_letter_deliver"),
    path("junta/oficios/<int:pk>/acuse/", v.letter_acknowledge, name="board_letter_acknowledge"),
    path("junta/oficios/<int:pk>/nueva-version/", v.letter_reissue, name="board_letter_reissue"),
    path("junta/oficios/<int:pk>/reintentar/", v.letter_retry, name="board_letter_retry"),
]
