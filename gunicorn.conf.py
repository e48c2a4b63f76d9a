"""gunicorn settings for `make run` and for production (`gunicorn -c gunicorn.conf.py wsgi:app`).

The login limits are counted in RATELIMIT_STORAGE_URI (or REDIS_URL). Counted in `memory://`,
each worker process would keep its own counts and the limits would multiply by the number of
workers, so without a shared store the site runs one worker process with threads; with Redis it
runs WEB_CONCURRENCY worker processes (2 by default). Production refuses `memory://` with more
than one worker (shop/config.py).
"""

import os
from pathlib import Path

from dotenv import load_dotenv

load_dotenv(Path(__file__).resolve().parent / ".env", override=False)
_shared_store = bool(os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL"))
_shared_store = _shared_store and not os.environ.get("RATELIMIT_STORAGE_URI", "").startswith(
    "memory://"
)

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2")) if _shared_store else 1
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The app checks this too (Config.WEB_CONCURRENCY), so each worker knows how many there are.
os.environ["WEB_CONCURRENCY"] = str(workers)
accesslog = "-"
