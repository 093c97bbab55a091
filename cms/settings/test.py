"""Tests: the database comes from DATABASE_URL (SQLite by default, PostgreSQL in CI)."""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_ACCOUNTS_ALLOWED = True
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
WAGTAILADMIN_BASE_URL = "http://testserver"

# Static files come from the finders here (runserver, live_server); WhiteNoise serves the
# collected files in production only.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise.")]  # noqa: F405
