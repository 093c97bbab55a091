"""Tests: the database comes from DATABASE_URL (SQLite by default, PostgreSQL in CI)."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, REDIS_URL

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail goes through the task backend (run at once) into Django's test outbox.
EMAIL_BACKEND = "cms.mail.TaskEmailBackend"
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_ACCOUNTS_ALLOWED = True
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
WAGTAILADMIN_BASE_URL = "http://testserver"

# Static files come from the finders here (runserver, live_server); WhiteNoise serves the
# collected files in production only.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise.")]  # noqa: F405

# Parallel test workers (pytest-xdist) each get their own Redis database, so one worker
# clearing its cache never wipes another's rate-limit counters.
if REDIS_URL:
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    parts = urlsplit(REDIS_URL)
    CACHES["default"]["LOCATION"] = urlunsplit(parts._replace(path=f"/{1 + worker}"))
