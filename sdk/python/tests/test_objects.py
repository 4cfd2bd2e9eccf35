"""Objects and encoding on their own: field access, unknown fields, repr, copying, the query
form, and the client's configuration (no request needed)."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import datetime, timedelta, timezone

import pytest

import shikacreators
from shikacreators._http import encode_query
from shikacreators._objects import convert

RAW = {
    "id": "cus_abc123def456",
    "object": "customer",
    "email": "customer@example.com",
    "name": "John Doe",
    "phone": None,
    "metadata": {"user_id": "123"},
    "created_at": "2024-01-15T10:00:00Z",
    "updated_at": "2024-01-15T10:00:00Z",
    "future_field": {"nested": [{"deep": True}]},
}


def test_fields_by_attribute_and_key_unknown_ones_kept() -> None:
    customer = convert(RAW)
    assert isinstance(customer, shikacreators.Customer)
    assert issubclass(shikacreators.Customer, dict)
    assert customer.id == customer["id"] == "cus_abc123def456"
    assert customer.phone is None
    assert customer.metadata.user_id == customer["metadata"]["user_id"] == "123"
    assert customer.future_field.nested[0].deep is True
    assert customer.to_dict() == RAW
    assert json.loads(json.dumps(customer)) == RAW
    assert "future_field" in dir(customer)
    with pytest.raises(AttributeError, match="no field 'colour'"):
        _ = customer.colour
    customer.name = "Jane Doe"
    assert customer["name"] == "Jane Doe"


def test_repr_and_str_are_readable() -> None:
    customer = convert(RAW)
    assert repr(customer).startswith("Customer({'id': 'cus_abc123def456', 'object': 'customer'")
    assert json.loads(str(customer)) == RAW
    deleted = convert({"id": "cus_1", "object": "customer", "deleted": True})
    assert type(deleted) is shikacreators.DeletedObject
    assert repr(deleted) == "DeletedObject({'id': 'cus_1', 'object': 'customer', 'deleted': True})"


def test_objects_copy_and_pickle() -> None:
    customer = convert(RAW)
    for clone in (
        copy.copy(customer),
        copy.deepcopy(customer),
        pickle.loads(pickle.dumps(customer)),
    ):
        assert type(clone) is shikacreators.Customer
        assert clone == customer
        assert clone.metadata.user_id == "123"


def test_unknown_kinds_stay_plain_objects() -> None:
    payout = convert(
        {
            "id": "po_1",
            "object": "payout",
            "destination": {"object": {"id": "cus_1", "object": "customer"}},
        }
    )
    assert type(payout) is shikacreators.ShikaObject
    assert type(payout.destination.object) is shikacreators.Customer


def test_events_and_their_objects_are_typed() -> None:
    event = convert(
        {
            "id": "evt_1",
            "object": "event",
            "type": "customer.updated",
            "data": {
                "object": {"id": "cus_1", "object": "customer"},
                "previous_attributes": {"metadata": {"vip": None}},
            },
        }
    )
    assert type(event) is shikacreators.Event
    # `data` has a key named "object" that is not a kind: it stays a plain ShikaObject.
    assert type(event.data) is shikacreators.ShikaObject
    assert type(event.data.object) is shikacreators.Customer
    assert event.data.previous_attributes.metadata.vip is None
    endpoint = convert({"id": "we_1", "object": "webhook_endpoint", "enabled_events": ["*"]})
    assert type(endpoint) is shikacreators.WebhookEndpoint
    deleted = convert({"id": "we_1", "object": "webhook_endpoint", "deleted": True})
    assert type(deleted) is shikacreators.DeletedObject


def test_query_form() -> None:
    moment = datetime(2024, 1, 15, 10, 0, 0, tzinfo=timezone(timedelta(hours=1)))
    assert encode_query(
        {
            "limit": 2,
            "created": {"gte": moment, "lt": 1700000000},
            "email": "a+b@example.com",
            "starting_after": None,
            "flag": True,
        }
    ) == (
        "limit=2&created%5Bgte%5D=2024-01-15T09%3A00%3A00.000000Z&created%5Blt%5D=1700000000"
        "&email=a%2Bb%40example.com&flag=true"
    )


def test_client_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIKA_BASE_URL", "http://127.0.0.1:9/")
    client = shikacreators.Client("sk_test_secretvalue")
    assert client.base_url == "http://127.0.0.1:9"
    assert client.max_network_retries == 2 and client.timeout == 30.0
    assert (
        shikacreators.Client("sk_test_x", base_url="http://example.test").base_url
        == "http://example.test"
    )
    monkeypatch.delenv("SHIKA_BASE_URL")
    assert shikacreators.Client("sk_test_x").base_url == "http://127.0.0.1:3000"
    # The key is in no repr, nor in the client's attributes as shown by vars().
    assert "secretvalue" not in repr(client)
    assert "secretvalue" not in repr(vars(client)) + repr(vars(client._requestor))
    with pytest.raises(ValueError):
        shikacreators.Client("")
    with pytest.raises(ValueError):
        shikacreators.Client("sk_test_x", base_url="ftp://example.test")


def test_keys_that_cannot_be_sent_are_refused_without_showing_them() -> None:
    with pytest.raises(ValueError) as caught:
        shikacreators.Client("sk_test_hidden\r\nX-Evil: 1")
    assert "hidden" not in str(caught.value)
    client = shikacreators.Client("sk_test_x", base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError) as caught:
        client.customers.list(api_key="sk_test_hidden value")
    assert "hidden" not in str(caught.value)


def test_empty_ids_are_refused_before_sending() -> None:
    client = shikacreators.Client("sk_test_x", base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="non-empty"):
        client.customers.retrieve("")


def test_version() -> None:
    assert shikacreators.VERSION == shikacreators.__version__ == "0.1.0"
