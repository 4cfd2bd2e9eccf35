"""Test helpers: a scriptable HTTP proxy on 127.0.0.1 in front of the real server, a webhook
receiver, merchants made with the `shika` binary, and unique emails."""

from __future__ import annotations

import email.message
import http.client
import json
import os
import queue
import subprocess
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

BASE_URL = os.environ.get("SHIKA_BASE_URL", "")
SHIKA_BIN = os.environ.get("SHIKA_BIN", "")
DATABASE_URL = os.environ.get("SHIKA_DATABASE_URL", "")


def require_server() -> None:
    missing = [
        name
        for name, value in (
            ("SHIKA_BASE_URL", BASE_URL),
            ("SHIKA_BIN", SHIKA_BIN),
            ("SHIKA_DATABASE_URL", DATABASE_URL),
        )
        if not value
    ]
    if missing:
        raise RuntimeError(
            f"{', '.join(missing)} not set: run the tests as "
            "`end2end/with-server.sh sdk/python/test.sh` from the repository root"
        )


def new_merchant() -> Dict[str, str]:
    """A fresh merchant (its own test and live keys), so tests never see each other's data."""
    require_server()
    email = f"sdk-python-{uuid.uuid4().hex}@example.com"
    result = subprocess.run(
        [
            SHIKA_BIN,
            "merchant",
            "create",
            "--email",
            email,
            "--password",
            "correct horse battery",
            "--name",
            "Test",
        ],
        env={**os.environ, "DATABASE_URL": DATABASE_URL},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    merchant: Dict[str, str] = json.loads(result.stdout)
    return merchant


def unique_email() -> str:
    return f"c-{uuid.uuid4().hex[:16]}@example.com"


def raw_get(path: str, key: str) -> Any:
    """The API's own JSON for a GET, bypassing the SDK (to compare with what the SDK returns)."""
    parts = urlsplit(BASE_URL)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {key}"})
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


@dataclass
class Recorded:
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes
    client: Tuple[str, int]  # the client's address: the same one means a kept-alive connection

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Action:
    """What the proxy does with one request.

    forward: pass it to the server and its answer back. drop: pass it to the server, read the
    answer, and close the client's connection without replying (a lost answer). respond: answer
    itself with this status, headers and body. hang: never answer (until the proxy stops).
    augment: forward, and add these fields to the JSON answer (fields the SDK does not know).
    """

    kind: str
    status: int = 200
    headers: Dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    extra: Dict[str, Any] = field(default_factory=dict)


FORWARD = Action("forward")
DROP = Action("drop")
HANG = Action("hang")


def respond(status: int, body: Any = b"", headers: Optional[Dict[str, str]] = None) -> Action:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    content_type = "application/octet-stream"
    if not isinstance(body, bytes):
        content_type = "application/json"
    return Action("respond", status, {"Content-Type": content_type, **(headers or {})}, data)


def augment(**extra: Any) -> Action:
    return Action("augment", extra=extra)


_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Proxy:
    """A local HTTP/1.1 proxy in front of the server that follows a script of actions, one per
    request (forward once the script is used up), and records every request it gets."""

    def __init__(self, upstream: str = "") -> None:
        parts = urlsplit(upstream or BASE_URL)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.requests: List[Recorded] = []
        self._actions: Deque[Action] = deque()
        self._lock = threading.Lock()
        self._released = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def handle_request(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                action = proxy._take(
                    Recorded(self.command, self.path, headers, body, self.client_address)
                )
                if action.kind == "hang":
                    proxy._released.wait(timeout=60)
                    self.close_connection = True
                    return
                if action.kind == "respond":
                    self._reply(action.status, list(action.headers.items()), action.body)
                    return
                status, reply_headers, data = proxy._forward(self.command, self.path, headers, body)
                if action.kind == "drop":
                    # The server has answered; the client never hears it.
                    self.close_connection = True
                    return
                if action.kind == "augment":
                    data = json.dumps({**json.loads(data), **action.extra}).encode()
                self._reply(status, reply_headers, data)

            def _reply(self, status: int, headers: List[Tuple[str, str]], data: bytes) -> None:
                self.send_response_only(status)
                for name, value in headers:
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = handle_request

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *actions: Action) -> Proxy:
        with self._lock:
            self._actions.extend(actions)
        return self

    def _take(self, recorded: Recorded) -> Action:
        with self._lock:
            self.requests.append(recorded)
            return self._actions.popleft() if self._actions else FORWARD

    def _forward(
        self, method: str, path: str, headers: Dict[str, str], body: bytes
    ) -> Tuple[int, List[Tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(*self._upstream, timeout=30)
        try:
            sent = {name: value for name, value in headers.items() if name not in _HOP_BY_HOP}
            conn.request(method, path, body=body if body else None, headers=sent)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def __enter__(self) -> Proxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@dataclass
class Delivery:
    """One request the receiver got, as a webhook handler sees it: the raw body and headers."""

    method: str
    path: str
    headers: email.message.Message  # http.server's: case-insensitive names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """A webhook receiver on 127.0.0.1 (a free port): records every request and answers 204, so
    the server counts each delivery as done at once."""

    def __init__(self) -> None:
        self._received: queue.Queue[Delivery] = queue.Queue()
        received = self._received

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                self.send_response(204)
                self.end_headers()
                received.put(Delivery(self.command, self.path, self.headers, body))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def wait_for(self, matches: Callable[[Delivery], bool], timeout: float = 20.0) -> Delivery:
        """The first delivery that `matches`, as soon as it arrives; others are passed over (the
        server delivers at least once, so a repeat may come too)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                delivery = self._received.get(timeout=max(remaining, 0))
            except queue.Empty:
                raise AssertionError(f"no matching delivery within {timeout} s") from None
            if matches(delivery):
                return delivery

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
