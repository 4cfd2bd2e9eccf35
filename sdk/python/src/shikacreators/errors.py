"""The errors this library raises: one base class, one subclass per API error `type`,
`APIConnectionError` for answers that never arrived, and `SignatureVerificationError` for webhook
deliveries that fail verification. `error_from_response` maps an HTTP answer to its class."""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Type

__all__ = [
    "ShikaError",
    "InvalidRequestError",
    "AuthenticationError",
    "IdempotencyError",
    "RateLimitError",
    "APIError",
    "APIConnectionError",
    "SignatureVerificationError",
    "error_from_response",
]


class ShikaError(Exception):
    """Base class of every error this library raises for a failed API call (and for a webhook
    delivery that fails verification).

    Attributes mirror the API's error object (`type`, `code`, `param`, `message`) plus what the
    HTTP answer said: `http_status`, `request_id` (the `Request-Id` header, quote it to support),
    `headers` (lower-cased names), `http_body` (the raw text) and `json_body` (parsed, or None).
    Attributes the answer did not carry are None.
    """

    def __init__(
        self,
        message: str,
        *,
        type: Optional[str] = None,
        code: Optional[str] = None,
        param: Optional[str] = None,
        http_status: Optional[int] = None,
        request_id: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        http_body: Optional[str] = None,
        json_body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.http_status = http_status
        self.request_id = request_id
        self.headers: Dict[str, str] = dict(headers or {})
        self.http_body = http_body
        self.json_body = json_body

    def __str__(self) -> str:
        # The request id makes a log line actionable; the API key is never part of an error.
        details = []
        if self.http_status is not None:
            details.append(f"HTTP {self.http_status}")
        if self.request_id:
            details.append(f"request {self.request_id}")
        return f"{self.message} ({', '.join(details)})" if details else self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, type={self.type!r}, "
            f"code={self.code!r}, param={self.param!r}, http_status={self.http_status!r}, "
            f"request_id={self.request_id!r})"
        )


class InvalidRequestError(ShikaError):
    """The request was wrong: a bad or unknown parameter, an unknown id (404), a wrong method,
    body or content type. Retrying it unchanged gives the same answer."""


class AuthenticationError(ShikaError):
    """The API key is missing, malformed, unknown or rolled (401)."""


class IdempotencyError(ShikaError):
    """The `Idempotency-Key` was used for a different request (400), or the first request with
    it is still running (409; the client retries that one itself)."""


class RateLimitError(ShikaError):
    """Too many requests with this key (429); `headers['retry-after']` says how long to wait."""


class APIError(ShikaError):
    """Something failed on the server's side or between (5xx, or an answer that is not the API's
    JSON)."""


class APIConnectionError(ShikaError):
    """No answer arrived: the connection was refused, dropped or timed out (after the client's
    own retries)."""


class SignatureVerificationError(ShikaError):
    """A webhook delivery failed `Webhook.construct_event`: a webhook header missing or
    malformed, no signature matching the secret (a forged or altered body, or the wrong secret),
    a timestamp outside the tolerance, an unusable secret, or a body that is not a JSON object.

    `sig_header` is the delivery's `webhook-signature` header (None when missing) and
    `http_body` the body as text, for logging what was refused; the secret is never part of it.
    """

    def __init__(
        self, message: str, *, sig_header: Optional[str] = None, http_body: Optional[str] = None
    ) -> None:
        super().__init__(message, http_body=http_body)
        self.sig_header = sig_header


_CLASS_BY_TYPE: Dict[str, Type[ShikaError]] = {
    "invalid_request_error": InvalidRequestError,
    "authentication_error": AuthenticationError,
    "idempotency_error": IdempotencyError,
    "rate_limit_error": RateLimitError,
    "api_error": APIError,
}


def _class_for_status(status: int) -> Type[ShikaError]:
    # Only for answers without a recognisable error object (a gateway's HTML page, say).
    if status == 401:
        return AuthenticationError
    if status == 429:
        return RateLimitError
    if 400 <= status < 500:
        return InvalidRequestError
    return APIError


def error_from_response(status: int, headers: Mapping[str, str], raw: bytes) -> ShikaError:
    """The error for a non-2xx answer: by the body's `error.type`, else by the status."""
    text = raw.decode("utf-8", errors="replace")
    body: Any
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    detail: Mapping[str, Any] = {}
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        detail = body["error"]

    def field(name: str) -> Optional[str]:
        value = detail.get(name)
        return value if isinstance(value, str) else None

    error_type = field("type")
    cls = _CLASS_BY_TYPE.get(error_type or "") or _class_for_status(status)
    message = field("message")
    if message is None:
        snippet = " ".join(text.split())[:200]
        message = f"The server answered HTTP {status} without an API error object" + (
            f": {snippet}" if snippet else "."
        )
    return cls(
        message,
        type=error_type,
        code=field("code"),
        param=field("param"),
        http_status=status,
        request_id=headers.get("request-id"),
        headers=headers,
        http_body=text,
        json_body=body,
    )
