"""Measures pages under /medidas/ (namespace measures): following measures (urls_followup), the
implementing authorities' users and letter addressees (urls_authority), the Board
(board/urls.py, board/urls_appeals.py for the steps reached from the case page) and letters
(letters/urls.py)."""

from measures.board import urls as board_urls
from measures.board import urls_appeals
from measures.letters import urls as letter_urls

from . import urls_authority, urls_followup

app_name = "measures"
urlpatterns = [
    *urls_followup.urlpatterns,
    *urls_appeals.urlpatterns,
    *board_urls.urlpatterns,
    *letter_urls.urlpatterns,
    *urls_authority.urlpatterns,
]
