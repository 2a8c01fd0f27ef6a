"""The project and its ground floor: settings, URLs, Celery, WSGI, the user and roles, the access
policy, clocks, numbering, versioning, the queue; it imports no domain app (tests/test_layout.py).
Features that span the domain apps are its sub-packages: deadlines (its own app), reports and
security (their own apps), help."""

from .celery import app as celery_app

__all__ = ("celery_app",)
