"""The session engine: Django's database sessions, read with one kept SELECT and renewed with one
kept UPDATE.

Every request renews the session (SESSION_SAVE_EVERY_REQUEST: the 30-minute idle limit counts
from the last request). Django's database store renews it by building a Session instance and
saving it inside transaction.atomic(): BEGIN, UPDATE, COMMIT, three round trips and a model save
on every page (issue 17: the per-request floor). A single UPDATE statement is atomic by itself;
here the renewal is that one statement, with the same outcome: the row's data (when the request
changed it) and expiry are written, and a session deleted meanwhile (signed out elsewhere, or expired and cleared) raises
UpdateError as Django's store does. Creating a session is Django's own code, unchanged.

Both statements are Django's own querysets (the store's `get(session_key=..., expire_date__gt=
now)` and `filter(session_key=...).update(...)`), compiled once per process
(protection.statements): the query compiler no longer runs twice on every request.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.utils import timezone

from .counting import STAND_IN_TIME
from .statements import KeptStatement, select_sql, update_sql

# Values no session has: where they land among the compiled parameters is where the real go.
STAND_IN_KEY = "kept-statement-stand-in-session-key"
STAND_IN_DATA = "kept-statement-stand-in-session-data"


def _sessions():
    return db.SessionStore.get_model_class()._default_manager


# The session's data while it has not expired (Django's _get_session_from_db).
_read = KeptStatement(
    lambda key, now: select_sql(
        _sessions().filter(session_key=key, expire_date__gt=now).values_list("session_data")
    ),
    STAND_IN_KEY,
    STAND_IN_TIME,
)
# The renewal: new data and expiry for the row, if it is still there.
_renew = KeptStatement(
    lambda key, data, expire: update_sql(
        _sessions().filter(session_key=key), session_data=data, expire_date=expire
    ),
    STAND_IN_KEY,
    STAND_IN_DATA,
    STAND_IN_TIME,
)
# The renewal of a session this request did not change: its expiry only.
_touch = KeptStatement(
    lambda key, expire: update_sql(_sessions().filter(session_key=key), expire_date=expire),
    STAND_IN_KEY,
    STAND_IN_TIME,
)


class SessionStore(db.SessionStore):
    def load(self):
        # The session key is never None here (SessionBase._get_session asks only then), and
        # one that does not exist or has expired gives an empty session and no key, as in
        # Django's store (which would also take the key of a row read twice as not unique:
        # session_key is the primary key).
        rows = _read.rows(self.session_key, timezone.now())
        if not rows:
            self._session_key = None
            return {}
        return self.decode(rows[0][0])

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        if self.modified:
            data = self.encode(self._get_session())
            updated = _renew.rowcount(self.session_key, data, self.get_expiry_date())
        else:
            # Nothing in it changed (every change of a session's data goes through its
            # __setitem__, pop, update, clear... which mark it modified): the row keeps its data,
            # signed and compressed again on every request before, and gets the new expiry.
            updated = _touch.rowcount(self.session_key, self.get_expiry_date())
        if not updated:
            raise UpdateError
