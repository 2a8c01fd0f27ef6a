"""Measures pages (implementation, legal holds: urls_followup; appeals, re-discussion requests and
modification proposals from the case page: urls_appeals) and the Board (urls_board)."""

from . import urls_appeals, urls_authority, urls_board, urls_followup

app_name = "measures"
urlpatterns = [
    *urls_followup.urlpatterns,
    *urls_appeals.urlpatterns,
    *urls_board.urlpatterns,
    *urls_authority.urlpatterns,
]
