"""What every request pays (issue 17: the per-request floor), kept as Django would do it: the
signed-in user read as django.contrib.auth.get_user() reads it, the session read and renewed as
Django's database store does, and the read log's row the one AuditEntry.save() writes."""

from datetime import timedelta

import pytest
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.signals import pre_save
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from protection.middleware import session_user
from protection.security import crypto
from protection.security.audit import _build, write
from protection.security.models import AuditAction, AuditEntry, AuditOutcome
from protection.session_store import SessionStore

from .. import factories as f

pytestmark = pytest.mark.django_db


def signed_in_request(user, **session):
    """A request carrying the session a sign-in of `user` leaves (plus `session`)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    for key, value in session.items():
        store[key] = value
    store.save(must_create=True)
    return store.session_key


def both(session_key):
    """(session_user's answer, Django's get_user's answer), each on its own request."""
    answers = []
    for read in (session_user, auth.get_user):
        request = RequestFactory().get("/")
        request.session = SessionStore(session_key=session_key)
        answers.append((read(request), request.session))
    return answers


def same(answers):
    (ours, ours_session), (django, django_session) = answers
    assert type(ours) is type(django)
    assert ours.pk == django.pk
    assert ours.is_authenticated == django.is_authenticated
    assert dict(ours_session.items()) == dict(django_session.items())
    return ours, ours_session


def test_the_signed_in_user_is_djangos():
    user = f.UserFactory(role="coordinator")
    ours, _session = same(both(signed_in_request(user)))
    assert ours.pk == user.pk and ours.role == "coordinator" and ours.is_authenticated
    assert ours.get_session_auth_hash() == user.get_session_auth_hash()


def test_a_changed_password_ends_the_session_as_in_django():
    user = f.UserFactory()
    key = signed_in_request(user)
    user.set_password("Otra-Contrasena-2026")
    user.save()
    (ours, ours_session), (django, _django_session) = both(key)
    assert isinstance(ours, AnonymousUser) and isinstance(django, AnonymousUser)
    assert SESSION_KEY not in ours_session


def test_an_inactive_a_deleted_or_an_unknown_user_is_anonymous():
    inactive = f.UserFactory()
    key_inactive = signed_in_request(inactive)
    type(inactive).objects.filter(pk=inactive.pk).update(is_active=False)
    gone = f.UserFactory()
    key_gone = signed_in_request(gone)
    type(gone).objects.filter(pk=gone.pk).delete()
    other_backend = signed_in_request(f.UserFactory())
    store = SessionStore(session_key=other_backend)
    store[BACKEND_SESSION_KEY] = "somewhere.else.Backend"
    store.save()
    empty = SessionStore()
    empty.save(must_create=True)
    for key in (key_inactive, key_gone, other_backend, empty.session_key, "no-such-session"):
        ours, _session = same(both(key))
        assert isinstance(ours, AnonymousUser)


def test_a_session_of_a_rotated_secret_key_moves_to_the_new_one(settings):
    user = f.UserFactory()
    old_secret = settings.SECRET_KEY
    key = signed_in_request(user)
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key=key)
    found = session_user(request)
    assert found.pk == user.pk
    assert request.session.session_key != key  # cycled, as Django does
    assert request.session[HASH_SESSION_KEY] == found.get_session_auth_hash()
    settings.SECRET_KEY_FALLBACKS = []
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key=key)
    assert isinstance(session_user(request), AnonymousUser)


def test_a_signed_in_page_reads_the_user_and_the_session_once_each(client):
    user = f.UserFactory(role="coordinator")
    client.force_login(user)
    client.get(reverse("help"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("help")).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "django_session"' in s for s in sqls) == 1
    assert sum('FROM "protection_user"' in s and "WHERE" in s for s in sqls) == 1
    assert sum(s.startswith('UPDATE "django_session"') for s in sqls) == 1


def test_an_expired_or_unknown_session_loads_empty_without_its_key():
    store = SessionStore()
    store["x"] = 1
    store.save(must_create=True)
    key = store.session_key
    assert SessionStore(session_key=key)["x"] == 1
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    for stale in (key, "no-such-session"):
        store = SessionStore(session_key=stale)
        assert store.load() == {}
        assert store.session_key is None


def entry_fields(entry):
    return {
        field.attname: getattr(entry, field.attname)
        for field in AuditEntry._meta.concrete_fields
        if field.attname not in ("id", "at")
    }


def test_the_read_log_row_is_the_one_save_writes():
    user = f.UserFactory(role="coordinator")
    request = RequestFactory().get(
        "/casos/?q=Mar%C3%ADa+L%C3%B3pez&state=3",
        REMOTE_ADDR="2001:db8::0:1",
        HTTP_USER_AGENT="Navegador/1.0",
    )
    request.user = user
    arguments = {
        "request": request,
        "action": AuditAction.SEARCH,
        "outcome": AuditOutcome.OK,
        "target": "cases:list",
        "object_id": "pk=7",
        "case_id": 42,
        "query": "q=Mar%C3%ADa+L%C3%B3pez&state=3",
        "status_code": 200,
    }
    before = timezone.now()
    with CaptureQueriesContext(connection) as ctx:
        write(_build(**arguments))
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]
    saved = _build(**arguments)
    saved.save()
    written = AuditEntry.objects.exclude(pk=saved.pk).get()
    saved = AuditEntry.objects.get(pk=saved.pk)
    assert entry_fields(written) == entry_fields(saved)
    assert before <= written.at <= saved.at
    assert written.ip_address == "2001:db8::1" and written.query == "q=***&state=3"
    assert written.search_sealed == "María López"
    assert written.search_index == crypto.blind_index("María López")
    with connection.cursor() as cursor:  # sealed at rest, as save() seals it
        cursor.execute("SELECT search_sealed FROM security_auditentry WHERE id = %s", [written.pk])
        assert "María" not in cursor.fetchone()[0]


def test_the_read_log_is_written_by_save_when_someone_listens_to_it():
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance)

    pre_save.connect(listener, sender=AuditEntry)
    try:
        entry = _build(user=f.UserFactory(), action=AuditAction.VIEW, path="/x/")
        write(entry)
    finally:
        pre_save.disconnect(listener, sender=AuditEntry)
    assert heard == [entry] and entry.pk is not None
    assert AuditEntry.objects.get().path == "/x/"


def test_the_policy_header_is_django_csps(client, settings):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    from protection.security.middleware import ContentSecurityPolicyMiddleware

    def theirs(request, response):
        return CSPMiddleware(lambda r: response).process_response(request, response)

    def ours(request, response):
        return ContentSecurityPolicyMiddleware(lambda r: response).process_response(
            request, response
        )

    def headers(build, path="/", **own):
        request = RequestFactory().get(path)
        response = HttpResponse("x")
        for name, value in own.items():
            setattr(response, name, value)
        build(request, response)
        return {k: v for k, v in response.items() if "Security-Policy" in k}

    expected = headers(theirs)
    assert "default-src 'self'" in expected["Content-Security-Policy"]
    assert headers(ours) == expected
    assert (
        client.get(reverse("login"))["Content-Security-Policy"]
        == (expected["Content-Security-Policy"])
    )
    # A response with a policy of its own, or exempt, is treated as django-csp treats it.
    own = {"_csp_update": {"img-src": ["https://example.org"]}}
    assert headers(ours, **own) == headers(theirs, **own) != expected
    assert headers(ours, _csp_exempt=True) == headers(theirs, _csp_exempt=True) == {}
    # A changed setting is followed (the kept header is forgotten).
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'none'"]},
        "EXCLUDE_URL_PREFIXES": ["/nada/"],
    }
    assert headers(ours) == headers(theirs) == {"Content-Security-Policy": "default-src 'none'"}
    assert headers(ours, path="/nada/x") == headers(theirs, path="/nada/x") == {}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    assert headers(ours) == headers(theirs) and len(headers(ours)) == 2


def test_the_kept_bell_is_the_included_one():
    from django.template import Context, engines
    from django.utils import translation

    engine = engines["django"].engine
    kept = engine.from_string("{% load protection_tags %}<b>{% notification_bell %}</b>")
    included = engine.from_string('<b>{% include "includes/bell.html" %}</b>')
    staff = f.UserFactory(role="coordinator")
    authority = f.UserFactory(role="authority")
    counted = []

    def count(n):
        return lambda: counted.append(n) or n

    for language in ("es-mx", "en"):
        with translation.override(language):
            for user, role in ((staff, "coordinator"), (authority, "authority"), (None, "")):
                for unread in (0, 1, 7, 150, 1234):
                    for delayed in (False, True):
                        values = {
                            "user": user or AnonymousUser(),
                            "user_role": role,
                            "notifications_unread": count(unread),
                            "background_delayed": delayed,
                        }
                        for _twice in range(2):
                            assert kept.render(Context(values)) == included.render(Context(values))
    assert 1234 in counted
    # Not shown (an authority, or nobody signed in): not counted, as in the template.
    counted.clear()
    kept.render(
        Context({"user": authority, "user_role": "authority", "notifications_unread": count(3)})
    )
    kept.render(Context({"user": AnonymousUser(), "notifications_unread": count(3)}))
    assert counted == []
