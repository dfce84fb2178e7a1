"""gunicorn settings for SatuPintu: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (docs/DEPLOY.md).

Every value can be overridden from the environment, so one file serves a laptop and a server.
Threads must exceed LOAD_MAX_IN_FLIGHT + LOAD_MAX_WAITING (app/config.py): the spare threads are
the ones that answer 503 quickly while the others work.
"""
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")
# CPU-bound Python: about one process per core (plus one), threads for the time spent waiting on the database.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 32)
# Connections the kernel queues before gunicorn accepts them; nginx in front holds the rest.
backlog = _int("GUNICORN_BACKLOG", 2048)
worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", 1000)
# A worker silent this long is killed and replaced (a request past it is cut off).
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM/SIGHUP, workers finish the requests in hand for up to this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then (jitter keeps them from restarting together).
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# The app loads in each worker after fork: database pools and the spec cache are never shared.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "satupintu-web"
# Behind nginx on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
