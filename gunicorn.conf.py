"""Gunicorn settings, read from the working directory (`gunicorn cms.wsgi`)."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Load Django and Wagtail once in the master, then fork: workers share that memory.
preload_app = True
max_requests = 2000  # recycle workers now and then, against slow leaks
max_requests_jitter = 200


def pre_fork(server, worker):
    """Move everything loaded so far out of the garbage collector's reach: the workers neither
    copy those pages of memory on write nor rescan them in every full collection, which
    otherwise adds 100-200 ms pauses to requests that allocate a lot (a cohort's matrix)."""
    gc.collect()
    gc.freeze()
