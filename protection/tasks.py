"""The protection app's Celery tasks, where Celery's autodiscovery looks for them: the deadlines'
and the outbox's tasks live in protection/deadlines/tasks.py (their registered names are
explicit and unchanged) and are registered by importing it here."""

from protection.deadlines import tasks  # noqa: F401
