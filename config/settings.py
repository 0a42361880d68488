"""Settings, read only from the environment (django-environ).

With no environment at all the app runs for trying it out: SQLite under the
git-ignored ``var/`` folder and ``DEBUG`` on. Production sets ``DEBUG=off``,
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL=postgres://…``.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-not-for-production-use")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set (at least 50 characters) when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before simple_history and axes: its management commands replace their pruning commands.
    "config",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "stations",
    "projects",
    "workforce",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
    "config.middleware.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.not_found.ProductNotFoundMiddleware",  # the product's 404 page also with DEBUG on
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "config.middleware.ResolvedUserMiddleware",  # request.user itself, not a lazy stand-in
    "config.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.SessionTimeoutMiddleware",
    "config.two_factor.middleware.SecondFactorMiddleware",
    "config.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves static files itself (collectstatic into STATIC_ROOT).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"

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
                "config.context_processors.navigation",
                "config.context_processors.unread_notices",  # the bell's count
            ],
            # Shared tags that belong to no app: {% load money %} (yuan on screen), {% load figures %}
            # (a page's part cached until a write changes its figures, core.figures).
            "libraries": {"money": "core.templatetags.money", "figures": "core.templatetags.figures"},
        },
    },
]

# Form widgets through Django's own Jinja2 templates where it has them (core.form_renderer).
FORM_RENDERER = "core.form_renderer.FormRenderer"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production: opening one costs more than most pages' queries. Keep
# servers × gunicorn workers (+ Celery workers) under PostgreSQL's max_connections.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a restarted server costs one retry, not an error
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long a cached figure may live at most; writes make it unreachable at once (core.figures).
FIGURES_CACHE_SECONDS = env.int("FIGURES_CACHE_SECONDS", default=3600)

AUTH_USER_MODEL = "stations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "config.auth_backend.UserWithScopeBackend",  # Django's, reading the user's region and station with them
]
# Password rules. Complexity (character classes out of lower case, upper case, digits, symbols)
# and rotation (days) are on by default in production; 0 turns either off.
PASSWORD_MIN_CHARACTER_CLASSES = env.int("PASSWORD_MIN_CHARACTER_CLASSES", default=0 if DEBUG else 3)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0 if DEBUG else 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if PASSWORD_MIN_CHARACTER_CLASSES:
    AUTH_PASSWORD_VALIDATORS.append({"NAME": "config.passwords.CharacterClassValidator",
                                     "OPTIONS": {"min_classes": PASSWORD_MIN_CHARACTER_CLASSES}})
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-factor sign-in (django-otp: an authenticator app's TOTP codes plus single-use recovery codes).
# Required of superusers, provincial officials and holders of the full-ID permission; on by default
# in production, off for the zero-setup demo. Anyone may turn it on for themselves.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
TWO_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = env.str("TWO_FACTOR_ISSUER", default="社工站管理系统")
# Wrong codes wait 1, 2, 4, 8 … seconds before the next try, per device (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # device admins never show a secret key or a recovery code

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 1  # hours
# Failures count per user name from one address, and per user name from anywhere: a burst against
# one account locks that account; made-up names from one address lock nobody else.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
# Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses); none by default.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"  # names the account and when its lock ends
# Every failed sign-in is kept (not only the lock counters), and none is trimmed within the retention period.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 1_000_000

# Change records (django-simple-history) and sign-in records (django-axes) are kept at least this many days.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180.")

# How many days before a qualification deadline a person is listed as due soon: a product
# setting, not a policy rule (the deadline itself comes from a policy document).
QUALIFICATION_WARNING_DAYS = env.int("QUALIFICATION_WARNING_DAYS", default=90)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
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
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# Every file the product keeps (uploads waiting for their confirmation, evaluation evidence, the
# workbooks jobs write) goes through the default storage: this machine's MEDIA_ROOT unless
# S3_BUCKET names a bucket of an S3-compatible object store that every application server and
# worker reaches. Files are never served from the bucket: only through the product's scoped views.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY", default=""),
            "secret_key": env.str("S3_SECRET_KEY", default=""),
            "region_name": env.str("S3_REGION", default="") or None,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Background jobs (long imports, large exports, scheduled work) and the shared cache. With
# REDIS_URL set, jobs go to Celery workers through Redis and every server shares one cache; with
# none (``make run``) jobs run inside the request, as one process needs no queue.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
# A job's message is acknowledged only once the job has finished: a worker lost mid-job (killed,
# restarted, its machine gone) hands the job to another worker, which runs it again from the start.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Seconds after which Redis gives an unacknowledged job (its worker gone without a word) to
# another worker. A job claimed twice is still applied once (core.jobs).
# Workers look for such jobs every 10 s (kombu's default scans one time in ten, about every 100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("JOB_REDELIVERY_SECONDS", default=3600),
                                   "unacked_restore_throttle": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The modules whose job runners register themselves (core.jobs imports them before a job runs).
JOB_RUNNER_MODULES = ["core.importing.jobs", "core.export_jobs"]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "sgz"}}
else:
    # Each process its own: cached figures stay right (core.figures keys them by counters kept in the
    # database), they are only computed once per process instead of once for all.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 2000}}}

# E-mail for reminders: EMAIL_URL (smtp://user:password@host:port, or smtp+tls://…); none by default,
# and then reminders are only shown in the product.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shegongzhan@localhost")

# django-import-export: imports are all-or-nothing, with model validation.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False  # we escape ourselves without turning numbers into text
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True

SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest request body accepted at all: a 10 MB spreadsheet or evidence file plus the form around it.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=11 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Sessions live in the database; with a shared cache (Redis) they are also read from it, which saves
# every page a query. A per-process cache could serve a worker a session another worker changed.
# Without Redis, Django's database sessions read with one plain statement (config.session_store).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "config.session_store"
# Seconds: signed out after 30 minutes without a request, and 12 hours after signing in whatever happens.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True

# Scripts and styles only from our own static files: no inline <script>, no style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The one style attribute in third-party admin templates (django-simple-history's history page).
        "style-src": [SELF, UNSAFE_HASHES, "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The load balancer probes the servers themselves, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Every handler masks ID-card numbers (workforce.logging), whatever a caller passes to a logger.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_id_numbers": {"()": "workforce.logging.MaskIdNumbersFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_id_numbers"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Django's own loggers (a 500's traceback, the development server's request lines with their
    # query strings) go through the same masking handler instead of their unfiltered defaults.
    "loggers": {
        "django": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING"), "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


# Reminders and scheduled work (config.reminders, config.tasks).
# A reminder comes this many working days before a deadline and on the day itself.
REMINDER_WORKING_DAYS = env.int("REMINDER_WORKING_DAYS", default=3)
# The address e-mailed links start with (https://shegongzhan.example.gov.cn); none: links are paths.
SITE_URL = env.str("SITE_URL", default="")
# Celery beat (one ``celery -A config beat`` process for the deployment), in Asia/Shanghai time.
# Without beat, a system timer runs ``manage.py run_scheduled daily`` and ``… reminders`` at the
# same times: the same functions. Both tasks are safe to run twice.
CELERY_BEAT_SCHEDULE = {
    "daily-maintenance": {"task": "config.daily_maintenance", "schedule": crontab(hour=1, minute=30)},
    "reminders": {"task": "config.send_reminders", "schedule": crontab(hour=8, minute=0)},
}
