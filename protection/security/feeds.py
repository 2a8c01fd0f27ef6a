"""Calendar feed links: a person's secret URL for subscribing a calendar application to their
deadline calendar (the feed itself is cases.views_calendar.calendar_feed).

Calendar applications cannot log in, so the link is the credential: it is random, shown to its
owner once, kept only as a keyed hash, revocable, and every fetch is in the audit log. What the
feed shows is decided at each fetch from the owner's current role and case scope.
"""

import secrets

from django.db import transaction
from django.utils import timezone

from protection import access

from . import audit
from .crypto import token_digest
from .models import AuditAction, CalendarFeedToken

SECRET_BYTES = 32


def calendar_feed_link_live(user):
    """The owner's live link (without its secret), or None."""
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_feed_token_resolve(secret):
    """The live link whose secret this is, with its owner, or None (unknown or revoked)."""
    if not secret or len(secret) > 100:
        return None
    return (
        CalendarFeedToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .first()
    )


def _revoke_live(*, actor, request, now):
    live = CalendarFeedToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True)
    revoked = []
    for token in live:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        revoked.append(token)
        audit.record(
            request=request,
            user=actor,
            action=AuditAction.FEED_LINK_REVOKED,
            target="calendar_feed_link",
            object_id=f"token={token.pk}",
        )
    return revoked


def calendar_feed_link_create(*, actor, request=None):
    """A new link for `actor` (revoking the one it replaces): (the token row, its secret). The
    secret is returned once, to be shown to the owner; it is not stored."""
    access.require(actor, "calendar.feed")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        now = timezone.now()
        _revoke_live(actor=actor, request=request, now=now)
        token = CalendarFeedToken.objects.create(
            user=actor, digest=token_digest(secret), hint=secret[:6]
        )
        audit.record(
            request=request,
            user=actor,
            action=AuditAction.FEED_LINK_CREATED,
            target="calendar_feed_link",
            object_id=f"token={token.pk}",
        )
    return token, secret


def calendar_feed_link_revoke(*, actor, request=None):
    """Revoke the owner's live link (its URL answers 404 from now on). Returns how many."""
    with transaction.atomic():
        return len(_revoke_live(actor=actor, request=request, now=timezone.now()))


def calendar_feed_fetched(token):
    """Note the fetch time on the link (no history row per fetch: the audit log has each)."""
    CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
