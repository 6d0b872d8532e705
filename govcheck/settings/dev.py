"""Local development: debug on, console email, SQLite unless DATABASE_URL says otherwise."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, database_from_env

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
DATABASES = {"default": database_from_env(default_sqlite=BASE_DIR / "db.sqlite3")}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Serve static files straight from their sources, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
