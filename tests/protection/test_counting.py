"""KeptCount gives queryset.count() for the values it is given; the session store renews a
session with one UPDATE and refuses to renew one that is gone, as Django's store does."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from protection.counting import STAND_IN_ID, STAND_IN_TIME, KeptCount
from protection.models import User
from protection.security.models import BreakGlass
from protection.session_store import SessionStore

from .. import factories as f

pytestmark = pytest.mark.django_db


def test_kept_count_is_the_querysets_count():
    people = [f.UserFactory(), f.UserFactory(), f.UserFactory(is_active=False)]
    count = KeptCount(lambda user_id: User.objects.filter(pk__gte=user_id), STAND_IN_ID)
    for person in people:
        assert count(person.pk) == User.objects.filter(pk__gte=person.pk).count()
    with CaptureQueriesContext(connection) as ctx:
        count(people[0].pk)
    assert len(ctx.captured_queries) == 1


def test_kept_count_of_open_break_glass():
    admin = f.UserFactory(role="administrator")
    count = KeptCount(
        lambda now: BreakGlass.objects.filter(ended_at__isnull=True, expires_at__gt=now),
        STAND_IN_TIME,
    )
    now = timezone.now()
    assert count(now) == 0
    BreakGlass.objects.create(user=admin, reason="r", expires_at=now + timedelta(minutes=30))
    assert count(now) == 1
    assert count(now + timedelta(hours=1)) == 0


def test_a_stand_in_the_queryset_does_not_use_is_refused():
    count = KeptCount(lambda user_id: User.objects.all(), STAND_IN_ID)
    with pytest.raises(ValueError):
        count(1)


def test_session_renewal_is_one_update():
    store = SessionStore()
    store["x"] = 1
    store.save(must_create=True)
    key = store.session_key
    before = Session.objects.get(session_key=key).expire_date
    store = SessionStore(session_key=key)
    store["x"] = 2
    store.set_expiry(3600)
    with CaptureQueriesContext(connection) as ctx:
        store.save()
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["UPDATE"]
    row = Session.objects.get(session_key=key)
    assert row.expire_date > before
    assert SessionStore(session_key=key)["x"] == 2


def test_a_session_deleted_meanwhile_is_not_renewed():
    store = SessionStore()
    store["x"] = 1
    store.save(must_create=True)
    Session.objects.filter(session_key=store.session_key).delete()
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()


def test_kept_count_passes_instants_as_the_backend_does(settings):
    """On SQLite (make run's database) Django passes an instant as text: the stand-in must be
    found, and the request's instant passed, in that form (a KeptCount of the break-glass banner
    once failed every coordinator page there)."""
    from django.db.backends.sqlite3 import base as sqlite

    from protection.statements import _adapt

    ops = sqlite.DatabaseOperations(connection)
    adapted = _adapt(ops, STAND_IN_TIME)
    assert isinstance(adapted, str) and adapted.startswith("1901-02-03 04:05:06")
    assert _adapt(ops, 7) == 7
    assert _adapt(connection.ops, STAND_IN_TIME) == connection.ops.adapt_datetimefield_value(
        STAND_IN_TIME
    )


def test_a_session_the_request_did_not_change_is_renewed_without_rewriting_its_data():
    store = SessionStore()
    store["x"] = 1
    store.save(must_create=True)
    key = store.session_key
    data = Session.objects.get(session_key=key).session_data
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(1))
    store = SessionStore(session_key=key)
    assert store["x"] == 1 and not store.modified
    with CaptureQueriesContext(connection) as ctx:
        store.save()
    assert len(ctx.captured_queries) == 1 and "session_data" not in ctx.captured_queries[0]["sql"]
    row = Session.objects.get(session_key=key)
    assert row.session_data == data
    assert abs(row.expire_date - store.get_expiry_date()) < timedelta(seconds=1)
    Session.objects.filter(session_key=key).delete()
    with pytest.raises(UpdateError):
        store.save()
