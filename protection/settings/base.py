"""Settings shared by every environment. Everything that differs comes from the environment."""

from datetime import date
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# Compose and CI pass the environment directly; a developer may opt in to a .env file.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-embedded-only-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_otp",
    # Spanish names for the administration (protection/security/apps.py).
    "protection.security.apps.TOTPConfig",
    "protection.security.apps.StaticConfig",
    "protection.security.apps.AxesConfig",
    "django_filters",
    "django_htmx",
    "protection",
    "protection.security",
    "cases",
    "cases.documents",
    "risk",
    "measures",
    # Features that span the domain apps (their models point into them).
    "protection.deadlines",
    "protection.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "protection.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, its user read prepared (protection.middleware.session_user).
    "protection.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "protection.middleware.TimezoneMiddleware",
    "protection.security.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "protection.security.middleware.SessionSecurityMiddleware",
    # Every URL's roles as declared in protection.access.VIEW_POLICY (fail closed).
    "protection.security.policy.ViewPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-csp's, its header built once per process.
    "protection.security.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout after repeated failures
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "protection.urls"
WSGI_APPLICATION = "protection.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "protection.context_processors.app",
                "protection.deadlines.context_processors.alerts",
                "protection.security.context_processors.break_glass",
            ],
        },
    },
]

# Django's widget templates, the hottest rendered in Python (select options were half of the
# case list's Python time): protection/form_rendering.py.
FORM_RENDERER = "protection.form_rendering.FastDjangoTemplates"

# DATABASE_URL selects PostgreSQL (postgres://...) or anything else Django supports;
# the embedded default is SQLite in var/.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'protection.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Statements a connection runs again and again, prepared on the server (DATABASE_PREPARE_THRESHOLD
# runs, psycopg's default 5; 0 turns it off). Planning, not running, was most of the database's
# time on the busiest pages: 36 reads of a case page are each a few rows by index, and each was
# planned anew on every request (about 16 ms of PostgreSQL CPU per case page at 100,000 cases,
# 5 ms once prepared; issue 17). It needs the server-side binding of parameters (psycopg
# prepares nothing it merged into the text). How many stay prepared per connection:
# DATABASE_PREPARED_MAX (protection/connections.py).
DATABASE_PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
DATABASE_PREPARED_MAX = env.int("DATABASE_PREPARED_MAX", default=300)


def postgres_options(database):
    """The PostgreSQL connection options of the application (also production's)."""
    if not database["ENGINE"].endswith("postgresql"):
        return
    options = database.setdefault("OPTIONS", {})
    # PostgreSQL's JIT compiles the scoped case queries for longer than they run (the
    # benchmark measured 400 ms of compilation for a 45 ms count): off for our connections.
    options["options"] = "-c jit=off"
    if DATABASE_PREPARE_THRESHOLD > 0:
        options["server_side_binding"] = True
        options["prepare_threshold"] = DATABASE_PREPARE_THRESHOLD


postgres_options(DATABASES["default"])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Worker, beat and web share the file: wait for locks instead of failing at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "protection.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"

# Sessions: 30 minutes idle (renewed on every request), 12 hours at most; two-factor required.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# Django's database sessions, renewed with one UPDATE instead of a transaction of three
# statements (protection/session_store.py).
SESSION_ENGINE = "protection.session_store"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Mecanismo de Protección"
# The administration never shows a person's TOTP secret, QR code or recovery codes: a device is
# reset through security:two_factor_reset, which is logged.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The embedded demo shows demo users' TOTP codes on the login page (never in production).
DEMO_MODE = env.bool("DEMO_MODE", default=False)

# django-axes: 5 failures for the same user from the same address lock for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"

# Administrators open case content only through a logged, time-limited break-glass action that
# names the cases (at most BREAK_GLASS_MAX_CASES) and lasts BREAK_GLASS_MINUTES.
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=30)
BREAK_GLASS_MAX_CASES = env.int("BREAK_GLASS_MAX_CASES", default=5)
# Free text typed into forms: one-line inputs and text areas without a limit of their own
# (protection/text_limits.py). A longer account is attached as a case document.
TEXT_SHORT_MAX_CHARS = env.int("TEXT_SHORT_MAX_CHARS", default=500)
TEXT_LONG_MAX_CHARS = env.int("TEXT_LONG_MAX_CHARS", default=20000)
# Audit log retention in days; empty means keep forever (the default).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=None)
AUDIT_TRUST_X_FORWARDED_FOR = env.bool("AUDIT_TRUST_X_FORWARDED_FOR", default=False)

# Field encryption (AES-256-GCM): "keyid:base64key,..." newest first; a keyed hash for search.
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS", default="")
FIELD_HASH_KEY = env("FIELD_HASH_KEY", default="")
FIELD_ENCRYPTION_DERIVE_FROM_SECRET = True  # embedded and test only; production sets keys

# Content Security Policy (django-csp 4): scripts only from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Bootstrap components and server-rendered SVG charts set inline styles.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Spanish (Mexico) first, English complete.
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Español (México)")), ("en", _("English"))]
# locale/ is the project's catalogue (makemessages writes there: keep it first); third_party/
# holds Spanish for what django-axes and django-simple-history mark but do not translate.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "third_party"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# One date and one date-time format per language, the zone named the same way everywhere.
FORMAT_MODULE_PATH = ["protection.formats"]
# The zone pages are shown in unless a user chooses another.
DISPLAY_TIME_ZONE = env("DISPLAY_TIME_ZONE", default="America/Mexico_City")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served publicly: files go through access-checked views
STORAGES = {
    # Letter PDFs, Board papers and exports: encrypted file by file like case documents
    # (SealedStorage in cases/documents/storage.py), kept in MEDIA_ROOT (the `media` volume).
    # Files stored before this was on are encrypted by `manage.py seal_stored_files`.
    "default": {"BACKEND": "cases.documents.storage.SealedStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Case documents, encrypted file by file (cases/documents/storage.py). A local folder by
    # default (a named volume in compose); any Django storage by configuration, e.g. an
    # S3-compatible store: DOCUMENTS_STORAGE_BACKEND=storages.backends.s3.S3Storage and
    # DOCUMENTS_STORAGE_OPTIONS='{"bucket_name": "...", "endpoint_url": "..."}' (needs
    # django-storages[s3] installed; credentials from the usual AWS_* variables).
    "documents": {
        "BACKEND": env(
            "DOCUMENTS_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json(
            "DOCUMENTS_STORAGE_OPTIONS",
            default={"location": env("DOCUMENTS_ROOT", default=str(VAR_DIR / "documents"))},
        ),
    },
}

# Case documents: limits per file and per upload, and the guards against "bombs".
DOCUMENTS_MAX_FILE_BYTES = env.int("DOCUMENTS_MAX_FILE_BYTES", default=50 * 1024 * 1024)
DOCUMENTS_MAX_UPLOAD_BYTES = env.int("DOCUMENTS_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
DOCUMENTS_MAX_FILES_PER_UPLOAD = env.int("DOCUMENTS_MAX_FILES_PER_UPLOAD", default=20)
DOCUMENTS_MAX_IMAGE_PIXELS = env.int("DOCUMENTS_MAX_IMAGE_PIXELS", default=60_000_000)
DOCUMENTS_ZIP_MAX_RATIO = env.int("DOCUMENTS_ZIP_MAX_RATIO", default=100)
DOCUMENTS_ZIP_MAX_UNCOMPRESSED_BYTES = env.int(
    "DOCUMENTS_ZIP_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
DOCUMENTS_ZIP_MAX_ENTRIES = env.int("DOCUMENTS_ZIP_MAX_ENTRIES", default=2000)
# Django refuses requests with more files than this before any view runs.
DATA_UPLOAD_MAX_NUMBER_FILES = DOCUMENTS_MAX_FILES_PER_UPLOAD + 5

# Celery: one home (protection/celery.py); settings here with the CELERY_ prefix.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # The broadcast (remote control) exchange; kombu's default is ./control in the cwd.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # A task not acknowledged within this time is delivered again (worker died mid-task).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="mecanismo@localhost")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# The organisation operating the mechanism, printed on letters and pages.
MECHANISM_NAME = env(
    "MECHANISM_NAME",
    default="Mecanismo para la Protección de Personas Defensoras de Derechos Humanos y Periodistas",
)

# The day the mechanism started receiving requests (Mexico: the Law of 25 June 2012). A request
# dated earlier is refused as implausible, like one dated in the future.
MECHANISM_START_DATE = date.fromisoformat(env("MECHANISM_START_DATE", default="2012-06-25"))

# The Governing Board: voting seats (quorum is half plus one) and how long Board members keep
# access to a case after its decision.
BOARD_VOTING_SEATS = env.int("BOARD_VOTING_SEATS", default=9)
BOARD_ACCESS_DAYS_AFTER_DECISION = env.int("BOARD_ACCESS_DAYS_AFTER_DECISION", default=30)

# Emergencies of the contact log (emergency calls, panic-button activations): help should arrive
# within this many minutes of the call. Later, or no help recorded once it passed, is a late
# response: a flag to the coordination, and the indicators' "answered within target" share.
EMERGENCY_RESPONSE_TARGET_MINUTES = env.int("EMERGENCY_RESPONSE_TARGET_MINUTES", default=30)

# Deadlines and the outbox (protection/deadlines/sweep.py, notifications.py, tasks.py).
DEADLINES_ESCALATE_AFTER_HOURS = env.int("DEADLINES_ESCALATE_AFTER_HOURS", default=48)
DEADLINES_URGENT_ESCALATE_AFTER_MINUTES = env.int(
    "DEADLINES_URGENT_ESCALATE_AFTER_MINUTES", default=30
)
OUTBOX_STUCK_MINUTES = env.int("OUTBOX_STUCK_MINUTES", default=10)
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=600)
LETTER_MAX_ATTEMPTS = env.int("LETTER_MAX_ATTEMPTS", default=5)
# Absolute address of the site, for links in e-mails and QR codes on letters.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Reports: small counts suppressed in public figures; exports built in the background above this
# many rows; hours a finished export can be downloaded.
REPORT_SMALL_COUNT_THRESHOLD = env.int("REPORT_SMALL_COUNT_THRESHOLD", default=5)
REPORT_EXPORT_SYNC_MAX_ROWS = env.int("REPORT_EXPORT_SYNC_MAX_ROWS", default=5000)
REPORT_EXPORT_EXPIRY_HOURS = env.int("REPORT_EXPORT_EXPIRY_HOURS", default=24)

# Official letters (oficios): letterhead, place, the signatory's name and post, the copies every
# letter carries (C.c.p., separated by ";"; authorities may add their own), and the public
# address printed with the verification code and QR. PUBLIC_BASE_URL is never derived from a
# request or SITE_URL: outside production (demo, tests) letters print this reserved example
# domain, and production refuses to start without a real https address.
LETTER_HEAD_MINISTRY = env("LETTER_HEAD_MINISTRY", default="Secretaría de Gobernación")
LETTER_HEAD_UNIT = env("LETTER_HEAD_UNIT", default="Coordinación Ejecutiva Nacional")
LETTER_PLACE = env("LETTER_PLACE", default="Ciudad de México")
LETTER_SIGNATORY_NAME = env("LETTER_SIGNATORY_NAME", default="")
LETTER_SIGNATORY_POST = env(
    "LETTER_SIGNATORY_POST",
    # LETTER_SIGNATORY_TITLE: the variable's earlier name, still read.
    default=env(
        "LETTER_SIGNATORY_TITLE",
        default="Titular de la Coordinación Ejecutiva Nacional del Mecanismo",
    ),
)
LETTER_COPY_TO = [
    copy.strip()
    for copy in env(
        "LETTER_COPY_TO",
        default="Titular de la Unidad de Prevención, Seguimiento y Análisis.- Para su seguimiento",
    ).split(";")
    if copy.strip()
]
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="https://mecanismo.example")

# Django's default cache (per process) and, apart, the template fragments kept per process
# ({% cache ... using="fragments" %}): the main menu, which depends only on the role, the page
# and the language (templates/base.html).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
