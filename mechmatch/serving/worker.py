"""The gunicorn worker class: uvicorn's, plus leaving when the arbiter is gone. uvicorn's
worker never checks its parent, so after a SIGKILLed master its workers would go on serving
(and holding the port) forever beside the master supervisord starts next."""

from __future__ import annotations

import os
import signal

from uvicorn_worker import UvicornWorker


class Worker(UvicornWorker):
    async def callback_notify(self) -> None:
        if os.getppid() != self.ppid:
            os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's graceful shutdown
            return
        self.notify()
