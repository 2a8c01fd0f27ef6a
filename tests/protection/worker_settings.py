"""Settings for the Celery worker processes the worker tests start (never used elsewhere).

The test settings, plus what a separate process needs for the test to see its work: e-mail to
files in TEST_EMAIL_DIR (the test counts the messages), and the test-only pause between claiming
and sending (TEST_DELIVERY_PAUSE seconds) so the test can kill the worker in the middle.
"""

import os

from protection.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TEST_EMAIL_DIR"]
NOTIFICATION_DELIVERY_PAUSE_SECONDS = float(os.environ.get("TEST_DELIVERY_PAUSE", "0"))
# A claim older than this was left by a dead worker (the killed one).
OUTBOX_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("TEST_CLAIM_TIMEOUT", "2"))
