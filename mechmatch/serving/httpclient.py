"""A small HTTP/1.1 client for the load benchmarks: asyncio streams plus httptools' C
parser, one keep-alive connection per simulated user. Our own few lines because the load
generator shares two cores with the server it measures: httpx costs several times the CPU
per request, and locust brings gevent and a web UI we do not need."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httptools


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class _Parsed:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    headers_done: bool = False
    done: bool = False
    keep_alive: bool = True

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        self.done = True


def split_url(url: str) -> tuple[str, int]:
    """Host and port of a loopback URL; anything else is refused (benchmarks stay local)."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError(f"benchmarks only target this machine, not {host!r}")
    return host, parts.port or 80


class Connection:
    """One keep-alive connection; reconnects when the server closed it."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None or self._writer.is_closing():
            reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout)
            self._reader, self._writer = reader, writer
            return reader, writer
        return self._reader, self._writer

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

    def _head(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body or method in {"POST", "PUT", "PATCH"}:
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Response:
        try:
            return await asyncio.wait_for(self._exchange(method, path, headers or {}, body), self.timeout)
        except BaseException:
            self.close()
            raise

    async def _exchange(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        reader, writer = await self._connect()
        writer.write(self._head(method, path, headers, body))
        await writer.drain()
        parsed = _Parsed()
        parser = httptools.HttpResponseParser(parsed)
        while not parsed.done:
            data = await reader.read(65536)
            if not data:
                raise ConnectionError("server closed the connection mid-response")
            parser.feed_data(data)
        parsed.status = parser.get_status_code()
        if not parser.should_keep_alive():
            self.close()
        return Response(parsed.status, parsed.headers, b"".join(parsed.chunks))


async def open_stream(
    host: str, port: int, path: str, headers: dict[str, str], timeout: float = 30.0
) -> tuple[int, AsyncIterator[bytes], asyncio.StreamWriter]:
    """Opens a server-sent events response: its status, an iterator over body chunks as
    they arrive, and the writer (close it to hang up)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    head = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    await writer.drain()
    parsed = _Parsed()
    parser = httptools.HttpResponseParser(parsed)
    while not parsed.headers_done:
        data = await asyncio.wait_for(reader.read(65536), timeout)
        if not data:
            raise ConnectionError("server closed the stream before its headers")
        parser.feed_data(data)

    async def chunks() -> AsyncIterator[bytes]:
        while True:
            if parsed.chunks:
                yield b"".join(parsed.chunks)
                parsed.chunks.clear()
            if parsed.done:
                return
            data = await reader.read(65536)
            if not data:
                return
            parser.feed_data(data)

    return parser.get_status_code(), chunks(), writer


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[rank]
