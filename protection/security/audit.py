"""The read log: every view of a case, dossier or letter, every download, export and search.

The middleware writes one AuditEntry per request of an authenticated user (and per failed or
refused access), after the response is known, so the outcome is recorded too. Case selectors call
``note_case`` so each entry names the case that was read, whatever view read it.
"""

import contextvars
import threading
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

from . import crypto
from .models import AuditAction, AuditEntry, AuditOutcome

_cases = contextvars.ContextVar("audit_cases", default=None)

# Requests that read nothing sensitive and would only add noise.
IGNORED_PREFIXES = (
    "/static/",
    "/healthz/",
    "/i18n/",
    "/favicon.ico",
    "/avisos/contador/",
    "/jsi18n/",
)
ADMIN_PREFIX = "/admin/"
EXPORT_TYPES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOWNLOAD_TYPES = ("application/pdf", "application/octet-stream", "image/png")


def note_case(case_id):
    """Called by case selectors: the current request read (or tried to read) this case."""
    cases = _cases.get()
    if cases is not None and case_id is not None and case_id not in cases:
        cases.append(case_id)


def client_ip(request):
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


# Query parameters that carry what a person typed to search for.
SEARCH_PARAMS = frozenset({"q"})
SEALED = "***"


def seal_search(query):
    """(query with the search text replaced by ***, the text sealed, its keyed hash)."""
    pairs = parse_qsl(query or "", keep_blank_values=True)
    terms = [value.strip() for key, value in pairs if key in SEARCH_PARAMS and value.strip()]
    if not terms:
        return query or "", "", ""
    redacted = "&".join(
        f"{key}={SEALED if key in SEARCH_PARAMS and value.strip() else value}"
        for key, value in pairs
    )
    text = " ".join(terms)
    return redacted, text, crypto.blind_index(text)


def _build(
    *,
    request=None,
    user=None,
    action,
    outcome=AuditOutcome.OK,
    target="",
    object_id="",
    case_id=None,
    query="",
    reason="",
    status_code=None,
    path=None,
):
    user = user if user is not None else getattr(request, "user", None)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    query, search_text, search_index = seal_search(str(query))
    return AuditEntry(
        user=user if authenticated else None,
        username=(user.get_username() if authenticated else "")[:150],
        role=(getattr(user, "role", "") if authenticated else "")[:32],
        action=action,
        target=str(target)[:80],
        object_id=str(object_id)[:64],
        case_id=case_id,
        # the path without its query string: filters are in `query`, search text sealed
        # `path` replaces the request's when the URL itself carries a secret (a calendar link)
        path=(path if path is not None else request.path if request else "")[:500],
        query=query[:500],
        search_sealed=search_text,
        search_index=search_index,
        ip_address=client_ip(request) if request else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        outcome=outcome,
        status_code=status_code,
        reason=reason,
    )


def record(**kwargs):
    """Write one audit row (see _build for the arguments)."""
    entry = _build(**kwargs)
    entry.save()
    return entry


_COPIED = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]

# The columns save() inserts (all but the id the database assigns), in the model's order.
_INSERTED = [f for f in AuditEntry._meta.local_concrete_fields if f is not AuditEntry._meta.pk]
_insert_sql = {}  # database alias -> the INSERT's SQL
_insert_lock = threading.Lock()


def _insert_statement(alias):
    """The INSERT that save() of a new AuditEntry sends (without RETURNING the new id), built
    by Django's compiler once per process and database."""
    sql = _insert_sql.get(alias)
    if sql is None:
        with _insert_lock:
            query = InsertQuery(AuditEntry)
            query.insert_values(_INSERTED, [AuditEntry()])
            [(sql, params)] = query.get_compiler(using=alias).as_sql()
            if len(params) != len(_INSERTED) or sql.count("%s") != len(_INSERTED):
                raise ValueError("the audit INSERT is not one plain parameter per column")
            _insert_sql[alias] = sql
    return sql


def write(entry):
    """Insert `entry`, a new AuditEntry from _build(): the row save() would insert (its `at`
    set by the field's auto_now_add, each value prepared by its field, the encrypted search
    text sealed), sent as SQL compiled once per process. The read log writes a row on every
    request, and save() (signals, the save machinery, the query compiler) was a sixth of the
    Python time of a page that renders nothing (issue 17). A failure raises, as save() would:
    a read is never left out of the log. The new row's id is not read back. With a receiver of
    AuditEntry's save signals, save() itself."""
    if pre_save.has_listeners(AuditEntry) or post_save.has_listeners(AuditEntry):
        entry.save()
        return
    alias = router.db_for_write(AuditEntry, instance=entry)
    connection = connections[alias]
    sql = _insert_statement(alias)
    params = [
        field.get_db_prep_save(field.pre_save(entry, True), connection) for field in _INSERTED
    ]
    with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
        cursor.execute(sql, params)


def record_for_cases(case_ids, **kwargs):
    """One row per case (bulk): an export names every case whose data it carried, so each
    case's "who has seen this" page shows it. With no case, one row without a case."""
    template = _build(**kwargs)
    case_ids = list(dict.fromkeys(case_ids))
    if not case_ids:
        template.save()
        return 1
    rows = []
    for case_id in case_ids:
        row = AuditEntry(**{f.attname: getattr(template, f.attname) for f in _COPIED})
        row.case_id = case_id
        rows.append(row)
    AuditEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _outcome(status):
    if status == 404:
        return AuditOutcome.NOT_FOUND
    if status in (401, 403):
        return AuditOutcome.DENIED
    if status >= 500:
        return AuditOutcome.ERROR
    return AuditOutcome.OK


def _action(request, response):
    if request.method == "POST":
        return AuditAction.ADMIN_CHANGE
    content_type = response.get("Content-Type", "").split(";")[0]
    if content_type in EXPORT_TYPES:
        return AuditAction.EXPORT
    if content_type in DOWNLOAD_TYPES or response.get("Content-Disposition"):
        return AuditAction.DOWNLOAD
    if request.path.startswith(ADMIN_PREFIX):
        return AuditAction.ADMIN_VIEW
    if request.GET.get("q"):
        return AuditAction.SEARCH
    return AuditAction.VIEW


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Reads (GET), and every change made through the admin, which no service logs.
        admin_change = request.method == "POST" and request.path.startswith(ADMIN_PREFIX)
        if request.path.startswith(IGNORED_PREFIXES) or (
            request.method not in ("GET", "HEAD") and not admin_change
        ):
            return self.get_response(request)
        token = _cases.set([])
        try:
            response = self.get_response(request)
            cases = _cases.get()
        finally:
            _cases.reset(token)
        if getattr(request, "audit_logged", False):
            return response  # the view wrote its own entry (its URL carries a secret)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response  # anonymous requests are redirected to login; nothing was read
        match = getattr(request, "resolver_match", None)
        target = match.view_name if match else ""
        object_id = ""
        if match and match.kwargs:
            object_id = ",".join(f"{k}={v}" for k, v in sorted(match.kwargs.items()))
        query = urlencode([(k, v) for k, v in request.GET.items() if k not in ("page",)])
        for case_id in cases or [None]:
            write(
                _build(
                    request=request,
                    action=_action(request, response),
                    outcome=_outcome(response.status_code),
                    target=target,
                    object_id=object_id,
                    case_id=case_id,
                    query=query,
                    status_code=response.status_code,
                )
            )
        return response
