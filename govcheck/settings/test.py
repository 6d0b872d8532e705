"""Test settings: fast hashing, immediate tasks, SQLite or the DATABASE_URL under test."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, database_from_env

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
DATABASES = {"default": database_from_env(default_sqlite=BASE_DIR / "test.sqlite3")}
if DATABASES["default"]["ENGINE"] == "govcheck.sqlite3":
    # Named, so pytest-django sees an in-memory test database under our own SQLite engine
    # (it recognises only Django's engine name) and gives xdist workers no file name.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = os.environ.get("AXES_ENABLED", "1") == "1"
# Tasks run at once, in the test; the worker's own tests start real workers on a database queue.
if os.environ.get("GOVCHECK_TEST_TASKS") != "database":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Serve static files straight from their sources, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
