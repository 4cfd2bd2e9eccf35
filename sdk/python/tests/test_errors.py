"""Each error class from a real failing call, with what it carries: type, code, param, message,
HTTP status, request id, raw body and headers."""

from __future__ import annotations

import socket
import uuid

import pytest

import shikacreators

from conftest import ClientFactory, key_of
from support import BASE_URL, Proxy, respond, unique_email


def assert_request_id(error: shikacreators.ShikaError) -> None:
    assert error.request_id is not None and error.request_id.startswith("req_")
    assert error.request_id == error.headers["request-id"]
    assert error.request_id in str(error)


def test_invalid_request_bad_email(client: shikacreators.Client) -> None:
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.create(email="not-an-email")
    error = caught.value
    assert isinstance(error, shikacreators.ShikaError)
    assert (error.type, error.code, error.param, error.http_status) == (
        "invalid_request_error",
        "parameter_invalid",
        "email",
        400,
    )
    assert "not-an-email" in error.message
    assert error.json_body["error"]["param"] == "email"
    assert error.http_body is not None and '"param":"email"' in error.http_body.replace(" ", "")
    assert_request_id(error)
    assert repr(error).startswith("InvalidRequestError(message=")


def test_invalid_request_unknown_id_is_404(client: shikacreators.Client) -> None:
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.retrieve("cus_doesnotexist000")
    error = caught.value
    assert (error.http_status, error.type, error.code, error.param) == (
        404,
        "invalid_request_error",
        "resource_missing",
        "id",
    )
    assert error.message == "No such customer: 'cus_doesnotexist000'"
    assert_request_id(error)


def test_invalid_request_names_the_parameter_as_sent(client: shikacreators.Client) -> None:
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.create(colour="red")  # type: ignore[call-arg]
    assert (caught.value.code, caught.value.param) == ("parameter_unknown", "colour")
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.list(created={"gte": "last tuesday"})
    assert caught.value.param == "created[gte]"
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.list(limit=0)
    assert caught.value.param == "limit"
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.create(metadata={"nested": {"no": "way"}})  # type: ignore[dict-item]
    assert caught.value.param is not None and caught.value.param.startswith("metadata")


def test_authentication_error_bad_key() -> None:
    client = shikacreators.Client("sk_test_thisisnotarealkey", base_url=BASE_URL)
    with pytest.raises(shikacreators.AuthenticationError) as caught:
        client.customers.list()
    error = caught.value
    assert (error.http_status, error.type, error.code, error.param) == (
        401,
        "authentication_error",
        None,
        None,
    )
    assert error.message
    assert_request_id(error)
    assert "thisisnotarealkey" not in str(error) + repr(error) + str(error.http_body)


def test_idempotency_error_same_key_different_body(client: shikacreators.Client) -> None:
    key = f"test-{uuid.uuid4()}"
    email = unique_email()
    first = client.customers.create(email=email, idempotency_key=key)
    # The same key and body: the first answer again, no second customer.
    again = client.customers.create(email=email, idempotency_key=key)
    assert again.id == first.id
    assert [c.id for c in client.customers.list(email=email)] == [first.id]
    with pytest.raises(shikacreators.IdempotencyError) as caught:
        client.customers.create(email=unique_email(), idempotency_key=key)
    error = caught.value
    assert (error.http_status, error.type, error.code, error.param) == (
        400,
        "idempotency_error",
        "idempotency_key_in_use",
        None,
    )
    assert_request_id(error)
    assert len(list(client.customers.list())) == 1


def test_rate_limit_error_when_the_key_is_exhausted(make_client: ClientFactory) -> None:
    client = make_client(max_network_retries=0)
    error = None
    # The server allows a burst of 200 then 100/s per key: a fast loop gets past it. Bounded.
    for _ in range(2000):
        try:
            client.customers.list(limit=1)
        except shikacreators.RateLimitError as exc:
            error = exc
            break
    assert error is not None, "2000 requests never met the rate limit"
    assert (error.http_status, error.type, error.code) == (429, "rate_limit_error", "rate_limit")
    assert int(error.headers["retry-after"]) >= 0
    assert_request_id(error)


def test_api_error_from_a_failing_gateway(client: shikacreators.Client, proxy: Proxy) -> None:
    proxied = shikacreators.Client(key_of(client), base_url=proxy.url, max_network_retries=0)
    proxy.script(
        respond(
            503, b"<html><body>503 Service Unavailable</body></html>", {"Content-Type": "text/html"}
        )
    )
    with pytest.raises(shikacreators.APIError) as caught:
        proxied.customers.list()
    error = caught.value
    assert (error.http_status, error.type, error.code, error.request_id) == (503, None, None, None)
    assert "503" in error.message and "Service Unavailable" in error.message
    assert error.http_body == "<html><body>503 Service Unavailable</body></html>"
    assert len(proxy.requests) == 1
    # A 500 with the API's error object is an APIError with its fields.
    body = {"error": {"type": "api_error", "message": "Something went wrong on our side."}}
    proxy.script(respond(500, body, {"Request-Id": "req_fromproxy1"}))
    with pytest.raises(shikacreators.APIError) as caught:
        proxied.customers.create()
    assert (caught.value.type, caught.value.message, caught.value.request_id) == (
        "api_error",
        "Something went wrong on our side.",
        "req_fromproxy1",
    )
    proxied.close()


def test_api_connection_error_on_a_closed_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens there now.
    client = shikacreators.Client(
        "sk_test_closedportkey", base_url=f"http://127.0.0.1:{port}", initial_retry_delay=0.001
    )
    with pytest.raises(shikacreators.APIConnectionError) as caught:
        client.customers.create(email=unique_email())
    error = caught.value
    assert isinstance(error, shikacreators.ShikaError)
    assert (error.http_status, error.request_id, error.type) == (None, None, None)
    assert f"127.0.0.1:{port}" in error.message and "after 3 attempts" in error.message
    assert "closedportkey" not in str(error)
    assert isinstance(error.__cause__, ConnectionRefusedError)
