"""What gunicorn serves (`mechmatch.asgi:application`, uvicorn workers): live event streams
natively on the event loop, every other request through Django's WSGI handler on a thread
pool. One port, one process model; `streams` is the stream endpoint alone, for a dedicated
stream server behind a reverse proxy (see the README)."""

from __future__ import annotations

# Django set up once, with mechmatch.wsgi's start-up checks (a missing SECRET_KEY stops it).
from mechmatch.wsgi import application as django_application

from mechmatch.serving.router import Router  # noqa: E402 - needs Django set up first
from mechmatch.serving.stream_app import stream_server  # noqa: E402

application = Router(django_application, stream_server)
streams = stream_server
