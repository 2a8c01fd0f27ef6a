"""The embedded default: SQLite in var/, Celery on the filesystem transport, mail to files."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
DEMO_MODE = env.bool("DEMO_MODE", default=True)
WHITENOISE_USE_FINDERS = True  # runserver and tests serve static files without collectstatic
for sub in ("broker/queue", "broker/processed", "mail", "media", "staticfiles", "log"):
    (VAR_DIR / sub).mkdir(parents=True, exist_ok=True)
