"""Retries, idempotency keys, headers and timeouts, observed through the local proxy: what is
retried and what is not, the backoff, Retry-After, a POST whose answer is lost, keep-alive."""

from __future__ import annotations

import time
import uuid
from typing import List

import pytest

import shikacreators

from conftest import ClientFactory, key_of
from support import DROP, HANG, Proxy, respond, unique_email

IN_PROGRESS = {
    "error": {
        "type": "idempotency_error",
        "code": "idempotency_request_in_progress",
        "message": "A request with this Idempotency-Key is still being processed. Retry shortly.",
    }
}


@pytest.fixture
def proxied(make_client: ClientFactory, proxy: Proxy) -> shikacreators.Client:
    return make_client(base_url=proxy.url)


def record_sleeps(client: shikacreators.Client) -> List[float]:
    """Replaces the client's waits between retries by a record of them."""
    waits: List[float] = []
    client._requestor.sleep = waits.append
    return waits


def test_a_post_whose_answer_is_lost_creates_exactly_one_object(
    proxied: shikacreators.Client, proxy: Proxy
) -> None:
    email = unique_email()
    proxy.script(DROP)  # the server creates the customer; its answer never arrives
    customer = proxied.customers.create(email=email, name="Only One")
    assert len(proxy.requests) == 2
    first, retry = proxy.requests
    assert first.headers["idempotency-key"] == retry.headers["idempotency-key"]
    assert first.body == retry.body
    listed = proxied.customers.list(email=email)
    assert [c.id for c in listed] == [customer.id]
    assert customer.name == "Only One"


def test_503_then_success_is_retried_with_the_same_idempotency_key(
    proxied: shikacreators.Client, proxy: Proxy
) -> None:
    waits = record_sleeps(proxied)
    proxy.script(respond(503, b"upstream unavailable"), respond(502, b"bad gateway"))
    customer = proxied.customers.create(email=unique_email())
    assert customer.id.startswith("cus_")
    assert [r.method for r in proxy.requests] == ["POST"] * 3
    assert len({r.headers["idempotency-key"] for r in proxy.requests}) == 1
    assert len(waits) == 2
    assert len(list(proxied.customers.list())) == 1


def test_retries_give_up_after_max_network_retries(
    make_client: ClientFactory, proxy: Proxy
) -> None:
    client = make_client(base_url=proxy.url, max_network_retries=3, initial_retry_delay=0.5)
    waits = record_sleeps(client)
    proxy.script(*[respond(503, b"down")] * 4)
    with pytest.raises(shikacreators.APIError) as caught:
        client.customers.list()
    assert caught.value.http_status == 503
    assert len(proxy.requests) == 4
    # Exponential backoff with jitter: 0.5 s × 2^n, each randomised to between half and all of it.
    assert len(waits) == 3
    for n, wait in enumerate(waits):
        assert 0.25 * 2**n <= wait <= 0.5 * 2**n
    # The per-request option overrides the client's setting.
    proxy.script(respond(503, b"down"))
    with pytest.raises(shikacreators.APIError):
        client.customers.list(max_network_retries=0)
    assert len(proxy.requests) == 5


def test_backoff_is_capped(make_client: ClientFactory, proxy: Proxy) -> None:
    client = make_client(
        base_url=proxy.url, max_network_retries=6, initial_retry_delay=0.5, max_retry_delay=2.0
    )
    waits = record_sleeps(client)
    proxy.script(*[respond(500, b"")] * 6)
    client.customers.list()
    assert len(waits) == 6 and max(waits) <= 2.0 and min(waits[3:]) >= 1.0


def test_429_waits_for_retry_after(proxied: shikacreators.Client, proxy: Proxy) -> None:
    waits = record_sleeps(proxied)
    limited = {"error": {"type": "rate_limit_error", "code": "rate_limit", "message": "Slow down."}}
    proxy.script(respond(429, limited, {"Retry-After": "3"}))
    assert proxied.customers.list().object == "list"
    assert waits == [3.0]
    # Longer than the client is willing to wait: the caller gets the error at once.
    proxy.script(respond(429, limited, {"Retry-After": "3600"}))
    with pytest.raises(shikacreators.RateLimitError) as caught:
        proxied.customers.list()
    assert caught.value.headers["retry-after"] == "3600"
    assert waits == [3.0] and len(proxy.requests) == 3


def test_409_in_progress_is_retried_other_4xx_are_not(
    proxied: shikacreators.Client, proxy: Proxy
) -> None:
    record_sleeps(proxied)
    proxy.script(respond(409, IN_PROGRESS))
    customer = proxied.customers.create(email=unique_email())
    assert len(proxy.requests) == 2
    assert (
        proxy.requests[0].headers["idempotency-key"] == proxy.requests[1].headers["idempotency-key"]
    )
    assert customer.id.startswith("cus_")
    # A real 400 and 404 are final.
    with pytest.raises(shikacreators.InvalidRequestError):
        proxied.customers.create(email="not-an-email")
    assert len(proxy.requests) == 3
    with pytest.raises(shikacreators.InvalidRequestError):
        proxied.customers.retrieve("cus_doesnotexist000")
    assert len(proxy.requests) == 4
    # Nor is a 409 that is not "in progress".
    proxy.script(respond(409, {"error": {"type": "invalid_request_error", "message": "Conflict."}}))
    with pytest.raises(shikacreators.InvalidRequestError):
        proxied.customers.list()
    assert len(proxy.requests) == 5


def test_headers_sent(proxied: shikacreators.Client, proxy: Proxy) -> None:
    customer = proxied.customers.create(email=unique_email())
    proxied.customers.retrieve(customer.id)
    proxied.customers.update(customer.id, name="Renamed")
    proxied.customers.list(limit=1)
    proxied.customers.delete(customer.id)
    chosen = f"my-key-{uuid.uuid4()}"
    proxied.payments.create(amount=100, idempotency_key=chosen)
    post, get, patch, listing, delete, payment = proxy.requests
    for request in proxy.requests:
        assert request.headers["user-agent"] == "shikacreators-python/0.1.0"
        assert request.headers["authorization"] == f"Bearer {key_of(proxied)}"
        assert request.headers["accept"] == "application/json"
    assert uuid.UUID(post.headers["idempotency-key"]).version == 4
    assert payment.headers["idempotency-key"] == chosen
    for request in (get, patch, listing, delete):
        assert "idempotency-key" not in request.headers
    assert post.headers["content-type"] == patch.headers["content-type"] == "application/json"
    assert post.json() == {"email": customer.email} and patch.json() == {"name": "Renamed"}
    assert (patch.method, patch.path) == ("PATCH", f"/v1/customers/{customer.id}")
    assert (delete.method, delete.path, delete.body) == (
        "DELETE",
        f"/v1/customers/{customer.id}",
        b"",
    )
    assert listing.path == "/v1/customers?limit=1"
    # Every call went over one kept-alive connection.
    assert len({r.client for r in proxy.requests}) == 1


def test_each_post_gets_its_own_idempotency_key(
    proxied: shikacreators.Client, proxy: Proxy
) -> None:
    proxied.customers.create()
    proxied.customers.create()
    assert (
        proxy.requests[0].headers["idempotency-key"] != proxy.requests[1].headers["idempotency-key"]
    )
    assert len(list(proxied.customers.list())) == 2


def test_timeout_raises_a_connection_error(make_client: ClientFactory, proxy: Proxy) -> None:
    client = make_client(base_url=proxy.url, timeout=0.3, max_network_retries=0)
    proxy.script(HANG)
    started = time.monotonic()
    with pytest.raises(shikacreators.APIConnectionError) as caught:
        client.customers.list()
    assert time.monotonic() - started < 5
    assert "timed out" in caught.value.message
    assert len(proxy.requests) == 1
    # A timeout is retried like any network failure; the client keeps working afterwards.
    proxy.script(HANG)
    assert client.customers.list(max_network_retries=1).object == "list"
    assert len(proxy.requests) == 3


def test_per_request_timeout(make_client: ClientFactory, proxy: Proxy) -> None:
    client = make_client(base_url=proxy.url, max_network_retries=0)
    assert client.timeout == 30.0
    proxy.script(HANG)
    started = time.monotonic()
    with pytest.raises(shikacreators.APIConnectionError):
        client.customers.list(timeout=0.3)
    assert time.monotonic() - started < 5
