"""Development and demo: SQLite, the database search backend, tasks run at once."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = ["*"]
DEMO_ACCOUNTS_ALLOWED = True
