"""Measures pages (implementation, legal holds: urls_followup) and the Board (urls_board)."""

from . import urls_board, urls_followup

app_name = "measures"
urlpatterns = [*urls_followup.urlpatterns, *urls_board.urlpatterns]
