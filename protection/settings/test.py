"""Tests run against real PostgreSQL and Redis (the local ones unless the environment says otherwise)."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/protection")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from .base import *  # noqa: E402, F403
from .base import VAR_DIR, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = str(VAR_DIR / "test-media")
STORAGES = {
    "default": {"BACKEND": "cases.documents.storage.SealedStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "test-documents")},
    },
}
# WhiteNoise warns about a missing STATIC_ROOT; tests serve static files through finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)

# Most tests log in with force_login; the security tests turn these back on explicitly.
OTP_REQUIRED = False
AXES_ENABLED = False

# Letters rendered in tests carry a signatory, as production's must (LETTER_SIGNATORY_NAME).
LETTER_SIGNATORY_NAME = env("LETTER_SIGNATORY_NAME", default="Mtro. Alejandro Ibarra Solís")
