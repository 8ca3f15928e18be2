"""gunicorn settings for `mechmatch.asgi:application`. The arbiter restarts any worker that
dies or stops answering its heartbeat for `timeout` seconds, while the others keep serving."""

from typing import Any

from mechmatch import settings as project

workers = project.WEB_WORKERS
worker_class = "mechmatch.serving.worker.Worker"
timeout = 30  # a worker whose event loop is stuck this long is killed and replaced
graceful_timeout = 10  # open streams are cut on restart; EventSource resumes by Last-Event-ID
keepalive = 5
backlog = 2048
accesslog = None
control_socket_disable = True  # gunicorn 27 otherwise shares one ~/.gunicorn socket between instances


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: its open-stream gauge stops counting in /metrics (prometheus-client
    multiprocess mode; bin/serve sets PROMETHEUS_MULTIPROC_DIR)."""
    import os

    from prometheus_client import multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
