"""Settings of the benchmark: the test settings (real PostgreSQL and Redis from the environment)
with two-factor and lockout off (the benchmark logs in with force_login or a session cookie made
through the ORM), quiet logging, persistent database connections as in production, and its own
media folder (letters rendered by the benchmark are deleted afterwards).

The database is whatever DATABASE_URL names: bench/run.py points it at protection_bench_<N>.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/protection_bench_1000")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/10")

from protection.settings.test import *  # noqa: E402, F403
from protection.settings.test import DATABASES, VAR_DIR  # noqa: E402

OTP_REQUIRED = False
AXES_ENABLED = False
# The test client speaks as "testserver"; wrk and gunicorn as 127.0.0.1.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES["default"]["CONN_MAX_AGE"] = 600
# Static files are indexed once at start, as in production (no per-request look-ups).
WHITENOISE_AUTOREFRESH = False
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", str(VAR_DIR / "bench-media"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BENCH_LOG_LEVEL", "WARNING")},
}
# The trivial-view WSGI module (bench/wsgi_trivial.py) swaps the URLconf for its one route.
ROOT_URLCONF = os.environ.get("BENCH_ROOT_URLCONF", "protection.urls")
