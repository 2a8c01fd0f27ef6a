"""Who may see which report: the actions are declared in protection.access.POLICY."""

from django.core.exceptions import PermissionDenied

from protection import access


def can(user, action):
    return access.can(user, action)


def require(user, action):
    """For views: a user of the wrong role gets 403."""
    if not can(user, action):
        raise PermissionDenied(action)
