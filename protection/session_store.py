"""The session engine: Django's database sessions, renewed with one UPDATE.

Every request renews the session (SESSION_SAVE_EVERY_REQUEST: the 30-minute idle limit counts
from the last request). Django's database store renews it by building a Session instance and
saving it inside transaction.atomic(): BEGIN, UPDATE, COMMIT, three round trips and a model save
on every page (issue 17: the per-request floor). A single UPDATE statement is atomic by itself;
here the renewal is that one statement, with the same outcome: the row's data and expiry are
written, and a session deleted meanwhile (signed out elsewhere, or expired and cleared) raises
UpdateError as Django's store does. Creating a session is Django's own code, unchanged.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import router


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        data = self._get_session()
        using = router.db_for_write(self.model)
        updated = (
            self.model._default_manager.using(using)
            .filter(session_key=self.session_key)
            .update(session_data=self.encode(data), expire_date=self.get_expiry_date())
        )
        if not updated:
            raise UpdateError
