"""Settings for the partnership board app, read from the environment only.

Development defaults give a working app with no set-up: a SQLite file and eager Celery.
With DJANGO_DEBUG off the app refuses to start without its secrets (see `_required_secret`).
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)


def _required_secret(name: str, development_default: str) -> str:
    """A secret from NAME or from the file named by NAME_FILE; only development has a default."""
    file_path = env.str(f"{name}_FILE", default="")
    if file_path:
        return Path(file_path).read_text().strip()
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return development_default
    raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set when DJANGO_DEBUG is off.")


SECRET_KEY = _required_secret("DJANGO_SECRET_KEY", "development-only-secret-key-not-for-real-data")
# Key for the HMAC of identifiers typed into the referral form (person and address keys).
IDENTITY_HASH_KEY = _required_secret("IDENTITY_HASH_KEY", "development-only-identity-hash-key")
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters.")
if not DEBUG and len(IDENTITY_HASH_KEY) < 32:
    raise ImproperlyConfigured("IDENTITY_HASH_KEY must be at least 32 characters.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "partnership",
    "commissioning",
    "referrals",
    "scrutiny",
    "scrutiny.retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partnership.middleware.SecondFactorRequiredMiddleware",
    "partnership.middleware.SessionAbsoluteTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "partnership.middleware.LoginRequiredEverywhereMiddleware",
    "partnership.middleware.NoStoreForLoggedInMiddleware",
    "partnership.middleware.PermissionsPolicyMiddleware",
    "partnership.middleware.AdminAccessAuditMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnership.urls"
WSGI_APPLICATION = "partnership.wsgi.application"
ASGI_APPLICATION = "partnership.asgi.application"

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
                "csp.context_processors.nonce",
                "partnership.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has a Celery worker writing to the same file as the web server: a transaction
    # takes the write lock when it starts and waits up to 20 s for the other's (WAL lets reads
    # go on meanwhile), rather than failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partnership.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: 30 minutes idle (refreshed on each request), 12 hours absolute (middleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# How many reverse proxies in front of the app append to X-Forwarded-For: the client's address is
# read that many entries from the right (partnership.audit.client_ip); 0 reads the connection's.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0 if DEBUG else 1)
# Browser features no page uses, refused for this site and anything it could be framed into.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), fullscreen=(self), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)

# Login lockout: 5 failures by username and IP within 15 minutes, then 15 minutes cooling off.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "partnership/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_CLIENT_IP_CALLABLE = "partnership.audit.client_ip"

# Second factor (django-otp, TOTP with ten single-use recovery codes). Roles that see referral
# records or commissioning data always need it; committee members and clerks only when listed.
OTP_ALWAYS_REQUIRED_ROLES = ["officer", "performance_lead", "commissioner", "admin"]
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=OTP_ALWAYS_REQUIRED_ROLES)
if missing := set(OTP_ALWAYS_REQUIRED_ROLES) - set(OTP_REQUIRED_ROLES):
    raise ImproperlyConfigured(f"OTP_REQUIRED_ROLES must include {', '.join(sorted(missing))}.")
if unknown := set(OTP_REQUIRED_ROLES) - {*OTP_ALWAYS_REQUIRED_ROLES, "committee_member", "clerk"}:
    raise ImproperlyConfigured(f"OTP_REQUIRED_ROLES names no role: {', '.join(sorted(unknown))}.")
OTP_TOTP_ISSUER = env.str("SERVICE_NAME", default="Domestic Abuse Partnership Board")
# Wrong codes count as failed sign-ins for django-axes (the lockout rule above), so
# django-otp's own back-off is off: one rule, one lockout page.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# How long the step between the password and the code may take.
SECOND_FACTOR_PENDING_TIMEOUT = timedelta(minutes=10)

# Password reset links work once and for one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Celery: Redis when REDIS_URL is set. Without it (a laptop), kombu's filesystem transport under
# CELERY_DIR: a broker that needs no server, so `make run` runs a real worker beside the web
# server. CELERY_TASK_ALWAYS_EAGER=1 runs tasks in the web process instead (the tests do).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_DIR = Path(env.str("CELERY_DIR", default=str(BASE_DIR / ".celery")))
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# The cache holds the open data's answers and its per-address request counts: in Redis when
# REDIS_URL is set (shared by every web process), otherwise in each process's memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background runs (partnership/runs.py). A running run's worker renews its lease every quarter
# of RUN_LEASE_SECONDS; once it lapses, the sweep (every RUN_SWEEP_SECONDS, on beat) queues the
# run again, up to RUN_MAX_ATTEMPTS starts. A run may take RUN_TIME_LIMIT_SECONDS at most.
RUN_LEASE_SECONDS = env.int("RUN_LEASE_SECONDS", default=60)
RUN_SWEEP_SECONDS = env.int("RUN_SWEEP_SECONDS", default=60)
RUN_MAX_ATTEMPTS = env.int("RUN_MAX_ATTEMPTS", default=3)
RUN_TIME_LIMIT_SECONDS = env.int("RUN_TIME_LIMIT_SECONDS", default=15 * 60)
# A queued run whose message was sent this long ago without being started is sent again (the
# message was lost, e.g. Redis restarted without its data); a duplicate does nothing.
RUN_RESEND_AFTER_SECONDS = env.int("RUN_RESEND_AFTER_SECONDS", default=10 * 60)
# Redis hands an unacknowledged message out again after this long: longer than any run may take
# (hard limit: soft limit + 60 s), so a run still going is never given to a second worker.
RUN_VISIBILITY_TIMEOUT = env.int("RUN_VISIBILITY_TIMEOUT", default=RUN_TIME_LIMIT_SECONDS + 5 * 60)
# A request must not wait long on a broker that is down: the run stays queued and is sent later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": RUN_VISIBILITY_TIMEOUT,
        # Look for unacknowledged messages past their visibility timeout every 10 s or so.
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 3,
        # A publish to a Redis that vanished without closing the connection gives up.
        "socket_timeout": 10,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = 3
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "control_folder": str(CELERY_DIR / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DIR / 'results'}"

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="partnership@example.org")

# The board's own settings.
# The address people use to reach the app, for links in e-mails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SERVICE_NAME = env.str("SERVICE_NAME", default="Domestic Abuse Partnership Board")
COUNCIL_NAME = env.str("COUNCIL_NAME", default="Eastshire County Council")
# Counts from 1 to this are suppressed in anything shown to committee members and clerks.
DISCLOSURE_THRESHOLD = env.int("DISCLOSURE_THRESHOLD", default=7)
# Country and subdivision for bank holidays (the `holidays` package): ENG covers England and Wales.
WORKING_DAYS_COUNTRY = env.str("WORKING_DAYS_COUNTRY", default="GB")
WORKING_DAYS_SUBDIVISION = env.str("WORKING_DAYS_SUBDIVISION", default="ENG")
# A referral is a repeat when the same person was referred within this many months before it.
REPEAT_WINDOW_MONTHS = env.int("REPEAT_WINDOW_MONTHS", default=12)

# Open data (commissioning/opendata/). The OCID prefix is the one the Open Contracting
# Partnership registers for the publisher; the default is the standard's example prefix.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-213czf")
OPEN_DATA_LICENCE_NAME = env.str("OPEN_DATA_LICENCE_NAME", default="Open Government Licence v3.0")
OPEN_DATA_LICENCE_URL = env.str(
    "OPEN_DATA_LICENCE_URL",
    default="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
)
# Requests a minute from one client address to the open endpoints; then 429.
OPEN_DATA_RATE_LIMIT = env.int("OPEN_DATA_RATE_LIMIT", default=120)
# How long an open data answer is kept (and may be kept by browsers and proxies).
OPEN_DATA_CACHE_SECONDS = env.int("OPEN_DATA_CACHE_SECONDS", default=300)

# Retention schedule, in whole years (README, "Retention"): referrals are anonymised this long
# after they close; committee actions lose their evidence and update notes this long after they
# close; quarterly report runs are deleted this long after they were made and agenda packs this
# long after their meeting (the Local Government Act 1972, s.100C, keeps committee papers open
# for inspection for six years).
RETENTION_YEARS = {
    "referral": env.int("RETENTION_REFERRAL_YEARS", default=6),
    "action_evidence": env.int("RETENTION_ACTION_EVIDENCE_YEARS", default=6),
    "report_run": env.int("RETENTION_REPORT_RUN_YEARS", default=6),
    "agenda_pack": env.int("RETENTION_AGENDA_PACK_YEARS", default=6),
}
if bad := [kind for kind, years in RETENTION_YEARS.items() if not 1 <= years <= 100]:
    raise ImproperlyConfigured(f"Retention periods must be 1 to 100 years: {', '.join(bad)}.")

# Logs: one JSON object a line in production (LOG_FORMAT=json), readable lines in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {
        # Its message would carry the template context: identifiers typed on the referral form.
        "no_template_context": {"()": "partnership.logfilters.DropTemplateLookupFailures"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request bodies never reach the logs: 4xx/5xx lines carry only the path and status.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.template": {"filters": ["no_template_context"]},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint and fontTools log every rendering step at INFO.
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# Celery workers log through the same handlers (JSON in production), not their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reports to Sentry, only when a DSN is given (partnership/observability.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from partnership.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"),
        release=env.str("SENTRY_RELEASE", default=""),
    )
