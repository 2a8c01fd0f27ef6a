"""The measures app's Celery tasks, where Celery's autodiscovery looks for them: each lives with
its sub-domain (letters/tasks.py) and is registered by importing it here."""

from measures.letters.tasks import letter_render  # noqa: F401
