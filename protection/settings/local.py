"""The embedded default: SQLite in var/, Celery on the filesystem transport, mail to files."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Demo codes on the login page only when asked for explicitly (`make run` sets DEMO_MODE=true
# as it loads the demo data); base.py's default, off, holds here too.
WHITENOISE_USE_FINDERS = True  # runserver and tests serve static files without collectstatic
for sub in ("broker/queue", "broker/processed", "mail", "media", "staticfiles", "log"):
    (VAR_DIR / sub).mkdir(parents=True, exist_ok=True)
