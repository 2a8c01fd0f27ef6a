"""Production: PostgreSQL, Redis, SMTP, HTTPS. Refuses to start without its secrets."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES as BASE_STORAGES
from .base import env, postgres_options

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: refuse to start without it
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a long random value in production.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
postgres_options(DATABASES["default"])

if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("Production runs on PostgreSQL (DATABASE_URL=postgres://...).")
CELERY_BROKER_URL = env("REDIS_URL")

# Letters print the verification address and the signatory: both must be configured (the
# address is never taken from a request, nor from a development host and port).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL")  # no default: refuse to start without it
_public = urlsplit(PUBLIC_BASE_URL)
if (
    _public.scheme != "https"
    or not _public.hostname
    or _public.hostname
    in (
        "localhost",
        "127.0.0.1",
        "::1",
    )
):
    raise ImproperlyConfigured(
        "PUBLIC_BASE_URL must be the site's public https address (printed on letters)."
    )
LETTER_SIGNATORY_NAME = env("LETTER_SIGNATORY_NAME")
if not LETTER_SIGNATORY_NAME.strip():
    raise ImproperlyConfigured("LETTER_SIGNATORY_NAME must name the person who signs letters.")
OTP_REQUIRED = True
DEMO_MODE = False
FIELD_ENCRYPTION_DERIVE_FROM_SECRET = False
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS")  # no default: refuse to start without keys
FIELD_HASH_KEY = env("FIELD_HASH_KEY")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)

# Every storage as in base (the default and the case documents), static files compressed.
STORAGES = {
    **BASE_STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
