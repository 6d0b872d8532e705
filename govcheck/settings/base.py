"""Settings shared by every environment; dev, test and prod import from here."""

import os
from pathlib import Path

from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "assessments",
]

MIDDLEWARE = [
    # First: a body larger than its URL takes is refused before anything reads it.
    "govcheck.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govcheck.urls"
WSGI_APPLICATION = "govcheck.wsgi.application"

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
            ],
        },
    },
    {
        # The questionnaire's questions: compiled to Python, a 200-question section renders in
        # a few milliseconds without any cache of rendered HTML (docs/questionnaire.md).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "assessments.templating.environment"},
    },
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Two weeks of idle time; an expired session never loses answers, they are saved as given.
SESSION_COOKIE_AGE = 14 * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
# The autosave script reads the token from the cookie, which stays current when signing in
# again in another tab rotates it (the page's copy would then be stale); so not HttpOnly.
CSRF_COOKIE_HTTPONLY = False

# A policy without inline scripts or styles, and nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Login throttling: per username and address together, with a cool-off.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address that counts is the one the trusted proxies report (govcheck/throttling.py).
# Served directly (PROXY_COUNT = 0) it is the peer, and a forged X-Forwarded-For changes nothing;
# production sets PROXY_COUNT to the number of appending proxies in front (prod.py, README).
PROXY_COUNT = 0
AXES_CLIENT_IP_CALLABLE = "govcheck.throttling.client_address"
AXES_USERNAME_CALLABLE = "govcheck.throttling.throttled_username"

# One cache for every app server: a table in the shared database (manage.py createcachetable).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "govcheck_cache",
    }
}

# A section saved without JavaScript sends five or six fields a question (options, note,
# evidence, reason, version): Django's default of 1,000 fields refused sections of about 200.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000
# The largest request body any URL takes (the answers upload takes the largest file the question
# bank can need: assessments/answers_checks.py). Bodies over it are refused with 413 before they
# are read (govcheck/middleware.py); the reverse proxy should refuse them too (README, "Limits").
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

# Reports render off the request path: a worker (manage.py run_worker) takes queued tasks,
# recycling its process after so many renders and stopping any render that runs too long or
# asks for too much memory.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
GOVCHECK_REPORT_TIME_LIMIT = int(os.environ.get("GOVCHECK_REPORT_TIME_LIMIT", "120"))  # seconds
GOVCHECK_WORKER_MEMORY_LIMIT = int(os.environ.get("GOVCHECK_WORKER_MEMORY_LIMIT", "1536"))  # MB
GOVCHECK_WORKER_MAX_TASKS = int(os.environ.get("GOVCHECK_WORKER_MAX_TASKS", "50"))
# Renders one organisation may have queued or running at once; the worker takes every
# organisation's first waiting render before anyone's second (services/reports.py).
GOVCHECK_REPORTS_PER_ORGANISATION = int(os.environ.get("GOVCHECK_REPORTS_PER_ORGANISATION", "5"))


def sqlite_database(path: Path) -> dict[str, object]:
    """SQLite tuned for several writers: WAL, IMMEDIATE transactions and a busy timeout."""
    return {
        "ENGINE": "govcheck.sqlite3",  # Django's, with SQLite's real parameter limit
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"govcheck": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}


def database_from_env(*, default_sqlite: Path) -> dict[str, object]:
    """PostgreSQL (or any engine) from DATABASE_URL; the embedded SQLite file otherwise."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return sqlite_database(default_sqlite)
    config: dict[str, object] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return sqlite_database(Path(str(config["NAME"])))
    return config
