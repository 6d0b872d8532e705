"""WSGI entry point (gunicorn govcheck.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcheck.settings.prod")

application = get_wsgi_application()
