"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (add --bind to choose the address).

Streams are long-lived, so each worker is a gevent worker serving many connections; the
settings come from the same environment (and .env) as the app.
"""

import os
import shutil

from backend.app.config import Settings

_settings = Settings()

worker_class = "gevent"
workers = _settings.WEB_CONCURRENCY
worker_connections = _settings.GUNICORN_WORKER_CONNECTIONS
bind = ["127.0.0.1:8000"]
# Liveness: a worker whose event loop is stuck this long is restarted. Streams themselves
# may run longer; a gevent worker keeps notifying the arbiter while they do.
timeout = 60
graceful_timeout = 30
keepalive = 5
loglevel = _settings.LOG_LEVEL.lower()
errorlog = "-"
# The app logs one line per request (with its request id); gunicorn's access log is off
# unless asked for with --access-logfile, and then goes through the same redaction.
accesslog = None
logger_class = "backend.app.observability.gunicorn_logger.RedactingGunicornLogger"

# The control socket would default to one path per user, shared by every server on the host.
control_socket_disable = True

_metrics_dir = _settings.DATA_DIR.resolve() / "prometheus"


def on_starting(server):
    """Start each server run with an empty metrics folder shared by its workers."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)


def child_exit(server, worker):
    """Drop a dead worker's live gauges from the merged metrics."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Freeze the loaded app's objects out of the garbage collector's reach, and have the
    worker hand its streams on when it is stopped (SIGTERM).

    Start-up leaves hundreds of thousands of long-lived objects (models, the retrieval
    index); without this every full collection walks them all while streams wait.
    """
    import gc

    from backend.app.web.worker_stop import hand_over_on_stop

    gc.collect()
    gc.freeze()
    hand_over_on_stop(worker)
