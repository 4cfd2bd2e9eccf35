"""`Webhook.construct_event`: checks that a webhook delivery comes from Shika, unaltered and
recent, and returns its event.

Deliveries follow Standard Webhooks (standardwebhooks.com): the `webhook-signature` header lists
`v1,<signature>` entries, each the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`
keyed with the base64-decoded part of the endpoint's secret after `whsec_`. Right after a roll
the header lists two (the new and the old secret's); one matching is enough.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from typing import Any, Dict, Iterable, List, Protocol, Tuple, Union

from ._objects import Event
from .errors import SignatureVerificationError

__all__ = ["Webhook"]

_SECRET_PREFIX = "whsec_"
_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class _HasItems(Protocol):
    def items(self) -> Iterable[Tuple[Any, Any]]: ...


# What frameworks hand a handler: a dict or any mapping (Django's and Starlette's request.headers),
# anything with items() (Flask's request.headers, http.server's self.headers), or (name, value)
# pairs (an ASGI scope's headers, as bytes). Values may be lists of the header's lines.
HeadersLike = Union[_HasItems, Iterable[Tuple[Union[str, bytes], Any]]]


def _text(value: Union[str, bytes]) -> str:
    # Header bytes are Latin-1 on the wire (what http.server and WSGI decode them with too).
    return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)


def _collect(headers: HeadersLike) -> Dict[str, List[str]]:
    """Each webhook header's values, by lower-cased name, from whatever shape `headers` has."""
    pairs = headers.items() if hasattr(headers, "items") else headers
    found: Dict[str, List[str]] = {}
    for name, value in pairs:
        key = _text(name).lower()
        if key in _HEADERS:
            values = value if isinstance(value, (list, tuple)) else [value]
            found.setdefault(key, []).extend(_text(item).strip() for item in values)
    return found


def _key(secret: str) -> bytes:
    encoded = secret.strip().removeprefix(_SECRET_PREFIX) if isinstance(secret, str) else ""
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        key = b""
    if not key:
        # Never the secret itself in the message: errors end up in logs.
        raise SignatureVerificationError(
            "The webhook secret is not a 'whsec_…' secret (nor its base64 part): pass the "
            "`secret` that creating the endpoint (or rolling its secret) answered."
        )
    return key


class Webhook:
    """Verifies webhook deliveries: `Webhook.construct_event(body, headers, secret)`."""

    # Seconds a delivery's timestamp may be from this machine's clock, either way.
    DEFAULT_TOLERANCE = 300

    @staticmethod
    def construct_event(
        body: Union[str, bytes, bytearray],
        headers: HeadersLike,
        secret: str,
        *,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> Event:
        """The delivery's event, once its signature and timestamp check out.

        `body` is the raw request body exactly as received (bytes, or the text it decodes to):
        verify before any JSON parsing, since re-encoded JSON no longer matches the signature.
        `headers` are the request's headers in any case (a dict, a framework's headers object,
        or (name, value) pairs). `secret` is the endpoint's `whsec_…` secret (or its base64
        part). Raises SignatureVerificationError when a webhook header is missing, no listed
        `v1` signature matches, the timestamp is more than `tolerance` seconds from now, the
        secret is not one, or the body is not a JSON object.
        """
        if isinstance(body, str):
            raw = body.encode("utf-8")
        elif isinstance(body, (bytes, bytearray)):
            raw = bytes(body)
        else:
            raise TypeError(
                f"body must be the raw request body (bytes or str), not {type(body).__name__}: "
                "verify it before parsing the JSON"
            )
        text = raw.decode("utf-8", errors="replace")
        found = _collect(headers)
        signatures = " ".join(found.get("webhook-signature", []))
        sig_header = signatures or None

        def fail(message: str) -> SignatureVerificationError:
            return SignatureVerificationError(message, sig_header=sig_header, http_body=text)

        missing = [name for name in _HEADERS if not any(found.get(name, []))]
        if missing:
            raise fail(
                f"The delivery has no {', '.join(missing)} header: pass the request's headers "
                "as received."
            )
        single: Dict[str, str] = {}
        for name in ("webhook-id", "webhook-timestamp"):
            values = set(found[name])
            if len(values) > 1:
                raise fail(f"The delivery has more than one {name} header.")
            single[name] = values.pop()
        msg_id, timestamp = single["webhook-id"], single["webhook-timestamp"]

        key = _key(secret)
        signed = f"{msg_id}.{timestamp}.".encode("utf-8") + raw
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
        # Other versions (such as Standard Webhooks' asymmetric v1a) are not Shika's: skipped.
        listed = [entry[len("v1,") :] for entry in signatures.split() if entry.startswith("v1,")]
        if not listed:
            raise fail("The webhook-signature header lists no v1 signature.")
        # compare_digest: the time taken says nothing about how much of a guess was right.
        if not any(
            hmac.compare_digest(expected, candidate.encode("utf-8", errors="replace"))
            for candidate in listed
        ):
            raise fail(
                "No signature in the webhook-signature header matches this body with this "
                "secret: pass the raw body as received (not re-encoded JSON) and this endpoint's "
                "current secret."
            )

        # Checked once the signature holds, so that these errors always mean "genuine but stale
        # or early": a replay of an old delivery, or a clock that is off. ASCII digits only (int()
        # would take "+5", " 1_0" or other scripts' digits), few enough to stay in float range.
        if not re.fullmatch(r"[0-9]{1,12}", timestamp):
            raise fail(f"The webhook-timestamp header is not Unix seconds: {timestamp!r}.")
        age = time.time() - int(timestamp)
        if age > tolerance:
            raise fail(
                f"The delivery's timestamp is {age:.0f} s old, more than the tolerance of "
                f"{tolerance:g} s: a replayed delivery, or this machine's clock is wrong."
            )
        if -age > tolerance:
            raise fail(
                f"The delivery's timestamp is {-age:.0f} s in the future, more than the "
                f"tolerance of {tolerance:g} s: this machine's clock (or the sender's) is wrong."
            )

        try:
            event: Any = json.loads(raw.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError included
            raise fail("The body is not JSON.") from None
        if not isinstance(event, dict):
            raise fail("The body is not a JSON object (an event).")
        return Event(event)
