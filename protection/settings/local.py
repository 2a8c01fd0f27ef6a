"""The embedded default: SQLite in var/, Celery on the filesystem transport, mail to files.

DEBUG is off here too: `make run` serves the app behind gunicorn, as production does, and every
error is the app's own Spanish page. A developer who wants Django's debug page and development
server opts in with DEV_SERVER=1 (scripts/run-embedded.sh), which sets DJANGO_DEBUG=1."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Demo codes on the login page only when asked for explicitly (`make run` sets DEMO_MODE=true
# as it loads the demo data); base.py's default, off, holds here too.
# Static files straight from static/ (no collectstatic step), with or without DEBUG; re-read on
# change only while developing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
for sub in ("broker/queue", "broker/processed", "mail", "media", "staticfiles", "log"):
    (VAR_DIR / sub).mkdir(parents=True, exist_ok=True)

# Letters of the embedded demo are signed by the demo coordinator (seed_demo's `coordinacion`);
# production requires the real signatory (LETTER_SIGNATORY_NAME).
LETTER_SIGNATORY_NAME = env("LETTER_SIGNATORY_NAME", default="Mtro. Alejandro Ibarra Solís")
# ...and copy, by name and post, the demo's follow-up officer as head of the UPSA (a copy list
# names people, not only offices); LETTER_COPY_TO in the environment wins.
if "LETTER_COPY_TO" not in os.environ:
    LETTER_COPY_TO = [
        "Mtra. Rosa Elena Martínez Tapia, Titular de la Unidad de Prevención, Seguimiento y "
        "Análisis.- Para su seguimiento"
    ]
