"""Development and demo: SQLite, the database search backend, tasks run at once."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = ["*"]
DEMO_ACCOUNTS_ALLOWED = True

# Static files come from the finders here (runserver, live_server); WhiteNoise serves the
# collected files in production only.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise.")]  # noqa: F405
