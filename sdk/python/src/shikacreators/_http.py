"""Sending one API call: the HTTP exchange over a kept-alive `http.client` connection, the
headers every request carries, query and JSON encoding, retries with backoff, and turning
failed answers into errors."""

from __future__ import annotations

import calendar
import email.utils
import http.client
import json
import logging
import random
import selectors
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union
from urllib.parse import urlencode, urlsplit

from ._version import VERSION
from .errors import APIConnectionError, APIError, ShikaError, error_from_response

__all__ = ["Requestor", "Response", "encode_query", "check_api_key"]

logger = logging.getLogger("shikacreators")

USER_AGENT = f"shikacreators-python/{VERSION}"
# Longest Retry-After this client waits for on its own; past it, the error goes to the caller.
MAX_RETRY_AFTER = 60.0


def _timestamp(value: datetime) -> str:
    # ISO 8601 in UTC with a Z, which the API takes for every timestamp parameter.
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def encode_query(params: Mapping[str, Any]) -> str:
    """The API's query form: `{'created': {'gte': 1}}` -> `created%5Bgte%5D=1`; None is left out,
    booleans are `true`/`false`, datetimes ISO 8601 UTC, list items `key[0]`, `key[1]`…"""
    pairs: List[Tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for sub_key, sub_value in value.items():
                add(f"{key}[{sub_key}]", sub_value)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                add(f"{key}[{index}]", item)
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif isinstance(value, datetime):
            pairs.append((key, _timestamp(value)))
        else:
            pairs.append((key, str(value)))

    for key, value in params.items():
        add(key, value)
    return urlencode(pairs)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return _timestamp(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def check_api_key(key: str) -> None:
    """Refuses a key that cannot go into a header, without showing it (http.client's own error
    would quote the header value, key and all)."""
    if not key or any(not ("!" <= char <= "~") for char in key):
        raise ValueError(
            "api_key must be a secret key such as 'sk_test_…': printable ASCII, no spaces"
        )


class _Secret:
    """Holds the API key so that no repr, vars() dump or traceback of the client shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<API key hidden>"


@dataclass(frozen=True)
class Response:
    """A successful answer: its status, headers (lower-cased names) and parsed JSON body."""

    status: int
    headers: Dict[str, str]
    body: Any

    @property
    def request_id(self) -> Optional[str]:
        return self.headers.get("request-id")


def _is_dropped(sock: socket.socket) -> bool:
    # An idle kept-alive socket that is readable has been closed by the server (or holds
    # garbage): either way it must not carry the next request.
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        return bool(selector.select(0))


class Requestor:
    """Sends API calls for one client: base URL, key, retry and timeout settings, and one
    kept-alive connection per thread (http.client connections are not thread-safe)."""

    def __init__(
        self,
        api_key: str,
        base_url: str,
        *,
        max_network_retries: int,
        timeout: float,
        initial_retry_delay: float,
        max_retry_delay: float,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL, not {base_url!r}")
        self.base_url = base_url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._api_key = _Secret(api_key)
        self.max_network_retries = max_network_retries
        self.timeout = timeout
        self.initial_retry_delay = initial_retry_delay
        self.max_retry_delay = max_retry_delay
        self._local = threading.local()
        # Replaceable so tests can record the waits instead of sleeping through them.
        self.sleep: Callable[[float], None] = time.sleep

    # --- connections -----------------------------------------------------------------------

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        conn: Optional[http.client.HTTPConnection] = getattr(self._local, "conn", None)
        if conn is not None and conn.sock is not None and _is_dropped(conn.sock):
            conn.close()
        if conn is None:
            if self._https:
                conn = http.client.HTTPSConnection(self._host, self._port, timeout=timeout)
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
            self._local.conn = conn
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def _discard_connection(self) -> None:
        conn: Optional[http.client.HTTPConnection] = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def close(self) -> None:
        """Closes this thread's kept-alive connection (a later call opens a new one)."""
        self._discard_connection()

    def _exchange(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: Optional[bytes],
        timeout: float,
    ) -> Tuple[int, Dict[str, str], bytes]:
        conn = self._connection(timeout)
        try:
            conn.request(method, target, body=body, headers=dict(headers))
            response = conn.getresponse()
            raw = response.read()
        except BaseException:
            # Half a request or answer may be on the wire: never reuse this connection.
            self._discard_connection()
            raise
        if response.will_close:
            self._discard_connection()
        names = {name.lower(): value for name, value in response.getheaders()}
        return response.status, names, raw

    # --- retries -----------------------------------------------------------------------------

    def _backoff(self, retry: int) -> float:
        # Exponential with jitter, so that many clients failing together do not retry together.
        delay = min(self.initial_retry_delay * (2.0**retry), self.max_retry_delay)
        return delay * (0.5 + random.random() / 2)

    @staticmethod
    def _retry_after(headers: Mapping[str, str]) -> Optional[float]:
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                moment = email.utils.parsedate_tz(value)
            except (TypeError, ValueError):
                return None
            if moment is None:
                return None
            seconds = email.utils.mktime_tz(moment) - calendar.timegm(time.gmtime())
        return max(0.0, seconds)

    @staticmethod
    def _should_retry(status: int, error: ShikaError) -> bool:
        if status == 409:
            # Only "the first request with this key is still running": another 409 is final.
            return error.type == "idempotency_error"
        return status == 429 or status >= 500

    # --- one call ----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
        api_key: Optional[str] = None,
        timeout: Optional[float] = None,
        max_network_retries: Optional[int] = None,
    ) -> Response:
        """Sends the call, retrying what is safe to retry, and returns the 2xx answer or raises
        the matching ShikaError."""
        target = self._prefix + path
        if query:
            encoded = encode_query(query)
            if encoded:
                target += "?" + encoded
        if api_key is not None:
            check_api_key(api_key)
        key = api_key if api_key is not None else self._api_key.reveal()
        headers = {
            "Authorization": f"Bearer {key}",
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        data: Optional[bytes] = None
        if method in ("POST", "PATCH"):
            # Encoded once: every retry must send the same bytes, since the server fingerprints
            # the body of an idempotent request.
            data = json.dumps(
                dict(body or {}), separators=(",", ":"), default=_json_default
            ).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        elif method == "POST":
            # The same key on every retry of this call, so a retry never creates a second object.
            headers["Idempotency-Key"] = str(uuid.uuid4())
        seconds = self.timeout if timeout is None else timeout
        retries = self.max_network_retries if max_network_retries is None else max_network_retries

        attempt = 0
        while True:
            try:
                status, response_headers, raw = self._exchange(
                    method, target, headers, data, seconds
                )
            except (OSError, http.client.HTTPException) as exc:
                if attempt < retries:
                    delay = self._backoff(attempt)
                    logger.info(
                        "%s %s failed (%s); retry %d in %.2fs",
                        method,
                        path,
                        exc,
                        attempt + 1,
                        delay,
                    )
                    self.sleep(delay)
                    attempt += 1
                    continue
                raise self._connection_error(exc, attempt) from exc
            logger.debug(
                "%s %s -> %d (request %s)", method, path, status, response_headers.get("request-id")
            )
            if 200 <= status < 300:
                return Response(
                    status, response_headers, self._parse(status, response_headers, raw)
                )
            error = error_from_response(status, response_headers, raw)
            if attempt < retries and self._should_retry(status, error):
                retry_after = self._retry_after(response_headers)
                if retry_after is not None and retry_after > MAX_RETRY_AFTER:
                    raise error
                delay = retry_after if retry_after is not None else self._backoff(attempt)
                logger.info(
                    "%s %s -> %d (request %s); retry %d in %.2fs",
                    method,
                    path,
                    status,
                    error.request_id,
                    attempt + 1,
                    delay,
                )
                self.sleep(delay)
                attempt += 1
                continue
            raise error

    def _parse(self, status: int, headers: Dict[str, str], raw: bytes) -> Any:
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            raise APIError(
                f"The server answered HTTP {status} with a body that is not JSON.",
                http_status=status,
                request_id=headers.get("request-id"),
                headers=headers,
                http_body=raw.decode("utf-8", errors="replace"),
            ) from None

    def _connection_error(
        self, exc: Union[OSError, http.client.HTTPException], retries: int
    ) -> APIConnectionError:
        if isinstance(exc, socket.timeout):
            what = "timed out"
        elif isinstance(exc, http.client.RemoteDisconnected):
            what = "was closed by the server without an answer"
        else:
            what = f"failed ({type(exc).__name__}: {exc})"
        tries = f" after {retries + 1} attempts" if retries else ""
        return APIConnectionError(
            f"The request to Shika at {self.base_url} {what}{tries}. Check the base URL and "
            "the network."
        )
