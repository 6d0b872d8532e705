"""Gunicorn settings for GovCheck: `gunicorn -c gunicorn.conf.py govcheck.wsgi`.

Every value can be overridden from the environment (see README, "Running at scale").
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Threads serve the many small autosave requests; processes use both cores.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that no slow leak grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Trust X-Forwarded-* only from the reverse proxy in front.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
