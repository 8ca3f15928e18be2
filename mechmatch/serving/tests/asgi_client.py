"""Drives an ASGI app in-process the way uvicorn would, for the stream server's tests."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StreamResult:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    started: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def text(self) -> str:
        return b"".join(self.chunks).decode()

    def events(self) -> list[dict[str, Any]]:
        found = []
        for block in self.text.split("\n\n"):
            lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":")
            if "data" in lines:
                item = json.loads(lines["data"])
                assert int(lines["id"]) == item["id"]
                found.append(item)
        return found

    def json(self) -> Any:
        return json.loads(self.text)


async def call(
    app: Any, path: str, query: str = "", headers: dict[str, str] | None = None, hang_up_after: float = 30.0
) -> tuple[StreamResult, asyncio.Task[None]]:
    """Starts a GET; returns the result being filled and the app's task. The client hangs
    up after `hang_up_after` seconds if the app has not finished by then."""
    result = StreamResult()
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent_request = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(hang_up_after)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            result.status = message["status"]
            result.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            result.chunks.append(message.get("body", b""))
            result.started.set()

    task = asyncio.create_task(app(scope, receive, send))
    return result, task


async def get(app: Any, path: str, query: str = "", headers: dict[str, str] | None = None) -> StreamResult:
    result, task = await call(app, path, query, headers)
    await asyncio.wait_for(task, 60)
    return result
