"""`Webhook.construct_event` on its own (no server): signatures made here by an independent
helper and by the `standardwebhooks` package, tampering, wrong secrets, timestamps out of
tolerance, rolled secrets, missing and odd-cased headers, and the header shapes frameworks
hand over."""

from __future__ import annotations

import base64
import email.message
import hashlib
import hmac
import json
import os
import time
from datetime import datetime, timezone
from typing import Any, Dict, Optional

import pytest
import standardwebhooks

import shikacreators
from shikacreators import SignatureVerificationError, Webhook

EVENT = {
    "id": "evt_1a2b3c4d5e6f",
    "object": "event",
    "type": "customer.updated",
    "livemode": False,
    "created_at": "2024-01-15T10:00:00.123Z",
    "data": {
        "object": {
            "id": "cus_abc123def456",
            "object": "customer",
            "email": "kwame@example.com",
            "name": "Kwame Nkrumah — Ɔsagyefo",
            "phone": None,
            "metadata": {"vip": "true"},
            "created_at": "2024-01-15T09:00:00Z",
            "updated_at": "2024-01-15T10:00:00Z",
        },
        "previous_attributes": {"name": "Kwame", "metadata": {"vip": None}},
    },
}
# As the server sends it: compact JSON, UTF-8 (the name is not ASCII).
BODY = json.dumps(EVENT, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def signature(body: bytes, secret: str, msg_id: str, timestamp: int) -> str:
    """One `v1,…` entry, computed from the Standard Webhooks text alone (not the SDK's code)."""
    key = base64.b64decode(secret[len("whsec_") :])
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(
    secret: str,
    body: bytes = BODY,
    timestamp: Optional[int] = None,
    msg_id: str = "evt_1a2b3c4d5e6f",
) -> Dict[str, str]:
    at = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(at),
        "webhook-signature": signature(body, secret, msg_id, at),
    }


def refused(body: Any, given: Any, secret: str, **options: Any) -> SignatureVerificationError:
    with pytest.raises(SignatureVerificationError) as caught:
        Webhook.construct_event(body, given, secret, **options)
    return caught.value


def test_a_valid_delivery_gives_the_typed_event() -> None:
    secret = new_secret()
    event = Webhook.construct_event(BODY, headers(secret), secret)
    assert type(event) is shikacreators.Event
    assert event.to_dict() == EVENT
    assert (event.id, event.type, event["livemode"]) == (
        "evt_1a2b3c4d5e6f",
        "customer.updated",
        False,
    )
    assert type(event.data.object) is shikacreators.Customer
    assert event.data.object.name == "Kwame Nkrumah — Ɔsagyefo"
    assert event.data.previous_attributes.metadata.to_dict() == {"vip": None}


def test_bytes_and_text_bodies_verify_alike() -> None:
    secret = new_secret()
    given = headers(secret)
    text = BODY.decode("utf-8")
    assert Webhook.construct_event(text, given, secret) == Webhook.construct_event(
        BODY, given, secret
    )
    assert Webhook.construct_event(bytearray(BODY), given, secret).id == EVENT["id"]
    with pytest.raises(TypeError, match="raw request body"):
        Webhook.construct_event(EVENT, given, secret)  # type: ignore[arg-type]


def test_the_bare_base64_secret_works_too() -> None:
    secret = new_secret()
    bare = secret[len("whsec_") :]
    assert Webhook.construct_event(BODY, headers(secret), bare).id == EVENT["id"]


def test_a_tampered_body_is_refused() -> None:
    secret = new_secret()
    given = headers(secret)
    tampered = BODY.replace(b'"vip":"true"', b'"vip":"false"')
    assert tampered != BODY
    error = refused(tampered, given, secret)
    assert "No signature" in error.message and "raw body" in error.message
    assert isinstance(error, shikacreators.ShikaError)
    assert error.sig_header == given["webhook-signature"]
    assert error.http_body == tampered.decode()
    # Re-encoded JSON (what a framework's parsed body gives back) no longer matches either.
    assert "No signature" in refused(json.dumps(EVENT), given, secret).message
    # Nor does a signature made for another id or timestamp.
    moved = {**given, "webhook-id": "evt_other"}
    assert "No signature" in refused(BODY, moved, secret).message
    later = {**given, "webhook-timestamp": str(int(given["webhook-timestamp"]) + 1)}
    assert "No signature" in refused(BODY, later, secret).message


def test_the_wrong_secret_is_refused_and_never_shown() -> None:
    secret, other = new_secret(), new_secret()
    error = refused(BODY, headers(secret), other)
    assert "No signature" in error.message and "secret" in error.message
    assert other not in str(error) and other[6:] not in repr(error)


@pytest.mark.parametrize("secret", ["", "whsec_", "whsec_not base64!", "sk_test_123", "whsec_@@@"])
def test_a_secret_that_is_not_one_is_refused(secret: str) -> None:
    error = refused(BODY, headers(new_secret()), secret)
    assert "not a 'whsec_…' secret" in error.message
    if len(secret) > len("whsec_"):
        assert secret not in error.message


def test_old_timestamps_are_refused() -> None:
    secret = new_secret()
    now = int(time.time())
    assert Webhook.construct_event(BODY, headers(secret, timestamp=now - 290), secret)
    error = refused(BODY, headers(secret, timestamp=now - 310), secret)
    assert "old" in error.message and "tolerance of 300 s" in error.message
    error = refused(BODY, headers(secret, timestamp=now - 86400), secret)
    assert "86400 s old" in error.message or "86401 s old" in error.message
    # The tolerance is the caller's to choose.
    assert Webhook.construct_event(
        BODY, headers(secret, timestamp=now - 3000), secret, tolerance=3600
    )
    assert "old" in refused(BODY, headers(secret, timestamp=now - 20), secret, tolerance=10).message


def test_future_timestamps_are_refused() -> None:
    secret = new_secret()
    now = int(time.time())
    assert Webhook.construct_event(BODY, headers(secret, timestamp=now + 290), secret)
    error = refused(BODY, headers(secret, timestamp=now + 310), secret)
    assert "in the future" in error.message and "tolerance of 300 s" in error.message


@pytest.mark.parametrize("timestamp", ["soon", "-5", "1.7e9", "1705312800.5", "9" * 40, "١٢٣"])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(timestamp: str) -> None:
    secret = new_secret()
    key = base64.b64decode(secret[6:])
    # Signed with that very text, so only the timestamp's form can be at fault.
    digest = hmac.new(key, f"evt_1.{timestamp}.".encode() + BODY, hashlib.sha256).digest()
    given = {
        "webhook-id": "evt_1",
        "webhook-timestamp": timestamp,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }
    assert "not Unix seconds" in refused(BODY, given, secret).message


def test_after_a_roll_either_listed_signature_may_match() -> None:
    old, new = new_secret(), new_secret()
    now = int(time.time())
    # The server lists the new secret's signature first, then the old one's.
    both = f"{signature(BODY, new, 'evt_1', now)} {signature(BODY, old, 'evt_1', now)}"
    given = {"webhook-id": "evt_1", "webhook-timestamp": str(now), "webhook-signature": both}
    # A receiver still on the old secret matches only the second entry.
    assert Webhook.construct_event(BODY, given, old).id == EVENT["id"]
    assert Webhook.construct_event(BODY, given, new).id == EVENT["id"]
    assert "No signature" in refused(BODY, given, new_secret()).message
    # Entries of other versions (Standard Webhooks' asymmetric v1a) are skipped, not fatal.
    mixed = {**given, "webhook-signature": f"v1a,c2lnbmF0dXJl {signature(BODY, old, 'evt_1', now)}"}
    assert Webhook.construct_event(BODY, mixed, old).id == EVENT["id"]
    only_other = {**given, "webhook-signature": "v1a,c2lnbmF0dXJl v2,abc"}
    assert "no v1 signature" in refused(BODY, only_other, old).message


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_or_empty_header_is_named(missing: str) -> None:
    secret = new_secret()
    given = headers(secret)
    without = {name: value for name, value in given.items() if name != missing}
    assert f"no {missing} header" in refused(BODY, without, secret).message
    assert f"no {missing} header" in refused(BODY, {**given, missing: " "}, secret).message


def test_no_headers_at_all() -> None:
    error = refused(BODY, {}, new_secret())
    assert "no webhook-id, webhook-timestamp, webhook-signature header" in error.message
    assert error.sig_header is None


def test_header_names_in_any_case() -> None:
    secret = new_secret()
    given = headers(secret)
    shouted = {
        "Webhook-Id": given["webhook-id"],
        "WEBHOOK-TIMESTAMP": given["webhook-timestamp"],
        "Webhook-Signature": given["webhook-signature"],
        "Content-Type": "application/json",
    }
    assert Webhook.construct_event(BODY, shouted, secret).id == EVENT["id"]


def test_the_header_shapes_frameworks_give() -> None:
    secret = new_secret()
    given = headers(secret)
    # http.server's self.headers (and the stdlib's email messages): case-insensitive, items().
    message = email.message.Message()
    for name, value in given.items():
        message[name.title()] = value
    assert Webhook.construct_event(BODY, message, secret).id == EVENT["id"]
    # An ASGI scope's headers: a list of (bytes, bytes) pairs.
    asgi = [(name.encode(), value.encode()) for name, value in given.items()]
    assert Webhook.construct_event(BODY, asgi, secret).id == EVENT["id"]
    # Lists of values per name (a multi-dict's lists()), signatures split over two lines.
    first, second = signature(BODY, new_secret(), "x", 1), given["webhook-signature"]
    lists = {
        "Webhook-Id": [given["webhook-id"]],
        "Webhook-Timestamp": [given["webhook-timestamp"]],
        "Webhook-Signature": [first, second],
    }
    assert Webhook.construct_event(BODY, lists, secret).id == EVENT["id"]
    # Two different ids (or timestamps) are ambiguous: refused rather than one of them picked.
    twice = [*given.items(), ("Webhook-Id", "evt_other")]
    assert "more than one webhook-id" in refused(BODY, twice, secret).message


def test_a_signed_body_that_is_not_an_event_object_is_refused() -> None:
    secret = new_secret()
    for body, message in (
        (b"not json", "not JSON"),
        (b"\xff\xfe{}", "not JSON"),
        (b'["evt_1"]', "not a JSON object"),
    ):
        assert message in refused(body, headers(secret, body=body), secret).message


# --- the independent implementation: the `standardwebhooks` package ---------------------------


def test_deliveries_signed_by_standardwebhooks_verify() -> None:
    secret = new_secret()
    now = datetime.now(timezone.utc)
    sent = standardwebhooks.Webhook(secret).sign("evt_1a2b3c4d5e6f", now, BODY.decode("utf-8"))
    given = {
        "webhook-id": "evt_1a2b3c4d5e6f",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": sent,
    }
    assert (
        sent
        == given["webhook-signature"]
        == signature(BODY, secret, "evt_1a2b3c4d5e6f", int(now.timestamp()))
    )
    assert Webhook.construct_event(BODY, given, secret).to_dict() == EVENT
    assert "No signature" in refused(BODY, given, new_secret()).message


def test_what_ours_accepts_standardwebhooks_accepts_and_refuses_alike() -> None:
    secret = new_secret()
    given = headers(secret)
    theirs = standardwebhooks.Webhook(secret)
    assert theirs.verify(BODY, given) == EVENT == Webhook.construct_event(BODY, given, secret)
    old = new_secret()
    now = int(time.time())
    rolled = {
        "webhook-id": "evt_1",
        "webhook-timestamp": str(now),
        "webhook-signature": f"{signature(BODY, secret, 'evt_1', now)} "
        f"{signature(BODY, old, 'evt_1', now)}",
    }
    assert standardwebhooks.Webhook(old).verify(BODY, rolled) == EVENT
    assert Webhook.construct_event(BODY, rolled, old).to_dict() == EVENT
    stale = headers(secret, timestamp=now - 600)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        theirs.verify(BODY, stale)
    assert "old" in refused(BODY, stale, secret).message
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        theirs.verify(BODY + b" ", given)
    assert "No signature" in refused(BODY + b" ", given, secret).message
