"""events (list with the type filter, retrieve) and webhook_endpoints (create, retrieve, update,
disable, roll_secret, delete, list) against the real server, and a real delivery: the server
POSTs an event to a receiver in this test, verified with `Webhook.construct_event` and with the
independent `standardwebhooks` package."""

from __future__ import annotations

import base64
import json
import os
from typing import Callable

import pytest
import standardwebhooks

import shikacreators
from shikacreators import Webhook

from conftest import key_of
from support import Delivery, Receiver, raw_get, unique_email

# The URL of endpoints that are never sent anything: no test makes an event of the types they
# are enabled for while they exist (and port 9 is "discard", on this machine only).
NOWHERE = "http://127.0.0.1:9/hooks/shika"


def test_webhook_endpoints_create_retrieve_update_list_roll_delete(
    client: shikacreators.Client,
) -> None:
    endpoint = client.webhook_endpoints.create(
        url=NOWHERE,
        enabled_events=["customer.created", "payment.*"],
        description="Orders",
        metadata={"team": "billing"},
    )
    assert isinstance(endpoint, shikacreators.WebhookEndpoint)
    assert endpoint.id.startswith("we_") and endpoint["id"] == endpoint.id
    assert (endpoint.object, endpoint.url, endpoint.status) == (
        "webhook_endpoint",
        NOWHERE,
        "enabled",
    )
    assert endpoint.enabled_events == ["customer.created", "payment.*"]
    assert endpoint.description == "Orders" and endpoint.metadata.team == "billing"
    assert endpoint.created_at.endswith("Z") and endpoint.updated_at.endswith("Z")
    # The secret: Standard Webhooks' form, 24 random bytes or more, in this answer only.
    assert endpoint.secret.startswith("whsec_")
    assert len(base64.b64decode(endpoint.secret[len("whsec_") :], validate=True)) >= 24

    fetched = client.webhook_endpoints.retrieve(endpoint.id)
    assert type(fetched) is shikacreators.WebhookEndpoint
    assert "secret" not in fetched
    assert fetched.to_dict() == {k: v for k, v in endpoint.to_dict().items() if k != "secret"}
    assert fetched.to_dict() == raw_get(f"/v1/webhook_endpoints/{endpoint.id}", key_of(client))

    everything = client.webhook_endpoints.create(url=NOWHERE + "/all", enabled_events=["*"])
    assert everything.description is None and everything.metadata == {}
    assert everything.secret != endpoint.secret
    page = client.webhook_endpoints.list()
    assert page.url == "/v1/webhook_endpoints"
    assert [e.id for e in page.data] == [everything.id, endpoint.id]
    assert all(type(e) is shikacreators.WebhookEndpoint and "secret" not in e for e in page)
    assert [e.id for e in client.webhook_endpoints.list(limit=1)] == [everything.id, endpoint.id]

    updated = client.webhook_endpoints.update(
        endpoint.id,
        url=NOWHERE + "/v2",
        enabled_events=["customer.*"],
        description=None,
        metadata={"team": None, "owner": "ama"},
    )
    assert (updated.id, updated.url, updated.enabled_events) == (
        endpoint.id,
        NOWHERE + "/v2",
        ["customer.*"],
    )
    assert updated.description is None and updated.metadata.to_dict() == {"owner": "ama"}
    assert updated.status == "enabled" and updated.updated_at >= endpoint.updated_at
    disabled = client.webhook_endpoints.update(endpoint.id, disabled=True)
    assert disabled.status == "disabled" and disabled.url == updated.url
    assert client.webhook_endpoints.retrieve(endpoint.id).status == "disabled"
    assert client.webhook_endpoints.update(endpoint.id, disabled=False).status == "enabled"

    rolled = client.webhook_endpoints.roll_secret(endpoint.id)
    assert type(rolled) is shikacreators.WebhookEndpoint and rolled.id == endpoint.id
    assert rolled.secret.startswith("whsec_") and rolled.secret != endpoint.secret
    assert "secret" not in client.webhook_endpoints.retrieve(endpoint.id)

    deleted = client.webhook_endpoints.delete(endpoint.id)
    assert type(deleted) is shikacreators.DeletedObject
    assert deleted.to_dict() == {"id": endpoint.id, "object": "webhook_endpoint", "deleted": True}
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.webhook_endpoints.retrieve(endpoint.id)
    assert caught.value.http_status == 404
    assert [e.id for e in client.webhook_endpoints.list()] == [everything.id]


def test_webhook_endpoint_parameters_are_checked(client: shikacreators.Client) -> None:
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.webhook_endpoints.create(url=NOWHERE, enabled_events=["customer.exploded"])
    assert caught.value.param == "enabled_events"
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.webhook_endpoints.create(url=NOWHERE, enabled_events=[])
    assert caught.value.param == "enabled_events"
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.webhook_endpoints.create(url="ftp://127.0.0.1/hook", enabled_events=["*"])
    assert caught.value.param == "url"
    assert [e for e in client.webhook_endpoints.list()] == []


def test_events_list_with_the_type_filter_and_retrieve(client: shikacreators.Client) -> None:
    customer = client.customers.create(email=unique_email(), name="John Doe")
    updated = client.customers.update(customer.id, name="Jane Doe", metadata={"vip": "true"})
    payment = client.payments.create(amount=2500, customer=customer.id)

    page = client.events.list()
    assert page.url == "/v1/events"
    events = page.data
    assert [e.type for e in events] == ["payment.created", "customer.updated", "customer.created"]
    assert all(type(e) is shikacreators.Event and e.id.startswith("evt_") for e in events)
    paid, changed, created = events
    assert paid.data.object.id == payment.id and type(paid.data.object) is shikacreators.Payment

    assert (created.object, created.livemode) == ("event", False)
    assert type(created.data.object) is shikacreators.Customer
    assert created.data.object.to_dict() == customer.to_dict()
    assert "previous_attributes" not in created.data
    assert changed.data.object.to_dict() == updated.to_dict()
    # Every top-level field that changed (updated_at too); of metadata, only the changed keys.
    assert changed.data.previous_attributes.to_dict() == {
        "name": "John Doe",
        "metadata": {"vip": None},
        "updated_at": customer.updated_at,
    }

    only_customers = client.events.list(type="customer.*")
    assert [e.id for e in only_customers] == [changed.id, created.id]
    assert [e.id for e in client.events.list(type="customer.updated")] == [changed.id]
    # Iterating walks every page, in the API's order.
    assert [e.id for e in client.events.list(limit=1)] == [e.id for e in events]

    fetched = client.events.retrieve(changed.id)
    assert type(fetched) is shikacreators.Event and fetched == changed
    assert fetched.to_dict() == raw_get(f"/v1/events/{changed.id}", key_of(client))

    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.events.list(type="customer*")
    assert caught.value.param == "type"
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.events.retrieve("evt_doesnotexist000")
    assert caught.value.http_status == 404


def verified(delivery: Delivery, secret: str) -> shikacreators.Event:
    """The delivery checked by our verifier and by standardwebhooks, with the raw body as
    received, as bytes and as text."""
    event = Webhook.construct_event(delivery.body, delivery.headers, secret)
    assert Webhook.construct_event(delivery.body.decode("utf-8"), delivery.headers, secret) == event
    theirs = standardwebhooks.Webhook(secret).verify(delivery.body, dict(delivery.headers.items()))
    assert theirs == event.to_dict() == json.loads(delivery.body)
    return event


def test_a_delivery_reaches_the_endpoint_signed(client: shikacreators.Client) -> None:
    if os.environ.get("SHIKA_WEBHOOK_ALLOW_PRIVATE") != "1":
        pytest.fail(
            "the server delivers to 127.0.0.1 only with SHIKA_WEBHOOK_ALLOW_PRIVATE=1: run "
            "SHIKA_WEBHOOK_ALLOW_PRIVATE=1 end2end/with-server.sh sdk/python/test.sh"
        )
    with Receiver() as receiver:
        endpoint = client.webhook_endpoints.create(
            url=f"{receiver.url}/hook", enabled_events=["customer.created"]
        )
        customer = client.customers.create(email=unique_email(), name="Ama Mensah")

        def about(customer_id: str) -> Callable[[Delivery], bool]:
            return lambda delivery: delivery.json()["data"]["object"]["id"] == customer_id

        delivery = receiver.wait_for(about(customer.id))
        assert (delivery.method, delivery.path) == ("POST", "/hook")
        assert delivery.headers["Content-Type"].startswith("application/json")
        event = verified(delivery, endpoint.secret)
        assert type(event) is shikacreators.Event and event.type == "customer.created"
        assert event.data.object.id == customer.id
        assert event.data.object.to_dict() == customer.to_dict()
        assert delivery.headers["webhook-id"] == event.id
        assert client.events.retrieve(event.id) == event
        # Another endpoint's secret does not verify it (that endpoint gets no event here).
        other = client.webhook_endpoints.create(url=NOWHERE, enabled_events=["payment.created"])
        with pytest.raises(shikacreators.SignatureVerificationError, match="No signature"):
            Webhook.construct_event(delivery.body, delivery.headers, other.secret)

        # After a roll, deliveries carry both secrets' signatures: receivers on either verify.
        rolled = client.webhook_endpoints.roll_secret(endpoint.id)
        second = client.customers.create(email=unique_email())
        delivery = receiver.wait_for(about(second.id))
        assert len(delivery.headers["webhook-signature"].split()) == 2
        for secret in (rolled.secret, endpoint.secret):
            assert verified(delivery, secret).data.object.id == second.id
