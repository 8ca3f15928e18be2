"""The ASGI front of a web worker: streams to the stream server object, the rest to Django."""

from __future__ import annotations

from typing import Any, cast

from a2wsgi import WSGIMiddleware
from django.conf import settings

from mechmatch.serving.stream_app import STREAM_PATH, Receive, Scope, Send, StreamServer


class Router:
    def __init__(self, wsgi_app: Any, streams: StreamServer) -> None:
        # Django's sync views run here; WEB_THREADS bounds how many run at once per process.
        self.django = WSGIMiddleware(wsgi_app, workers=int(settings.WEB_THREADS))
        self.streams = streams

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.streams.lifespan(receive, send)
        elif scope["type"] == "http" and scope["path"] == STREAM_PATH:
            await self.streams(scope, receive, send)
        else:
            await self.django(cast(Any, scope), cast(Any, receive), cast(Any, send))
