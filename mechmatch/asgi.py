"""What gunicorn serves (`mechmatch.asgi:application`, uvicorn workers): live event streams
natively on the event loop, every other request through Django's WSGI handler on a thread
pool. One port, one process model; `streams` is the stream endpoint alone, for a dedicated
stream server behind a reverse proxy (see the README)."""

from __future__ import annotations

# Django set up once, with mechmatch.wsgi's start-up checks (a missing SECRET_KEY stops it).
from mechmatch.wsgi import application as django_application

# isort: split
# These need the apps loaded by the import above.
from mechmatch.serving.router import Router
from mechmatch.serving.stream_app import stream_server

application = Router(django_application, stream_server)
streams = stream_server
