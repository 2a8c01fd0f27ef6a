"""The project and its ground floor: settings, URLs, Celery, WSGI, the user and roles, the access
policy, clocks, numbering, versioning, the queue; deadlines, reports and security are its sub-
packages."""

from .celery import app as celery_app

__all__ = ("celery_app",)
