"""Type-checked by test.sh (mypy --strict against the installed package), never run: the public
API's types as a user's checker sees them. Each `type: ignore[...]` marks a mistake the types must
catch; with warn_unused_ignores (part of --strict), mypy fails if one stops being caught."""

from __future__ import annotations

import email.message
from datetime import datetime, timezone
from typing import Dict, List, Optional, Tuple

import shikacreators
from shikacreators import (
    Customer,
    DeletedObject,
    Event,
    ListObject,
    Payment,
    SearchResultObject,
    Subscription,
    WebhookEndpoint,
)


def use(client: shikacreators.Client) -> None:
    customer: Customer = client.customers.create(
        email="customer@example.com",
        name="John Doe",
        phone="0241234567",
        metadata={"user_id": "123"},
    )
    customer_id: str = customer.id
    email: Optional[str] = customer.email
    user_id: str = customer.metadata["user_id"]
    customer = client.customers.update(
        customer_id, name=None, metadata={"vip": "true", "old": None}
    )
    customer = client.customers.retrieve(customer_id, timeout=5.0, api_key="sk_test_other")
    page: ListObject[Customer] = client.customers.list(
        limit=10,
        email="a@example.com",
        created={"gte": datetime.now(timezone.utc), "lt": 1700000000},
    )
    has_more: bool = page.has_more
    filtered: ListObject[Customer] = client.customers.list(
        phone="024 123 4567", metadata={"order_id": "42"}
    )
    found: SearchResultObject[Customer] = client.customers.search(
        query='name~"kwame" AND metadata["tier"]:"gold"', limit=2, timeout=5.0
    )
    token: Optional[str] = found.next_page
    more_found: bool = found.has_more
    for match in found:
        match_name: Optional[str] = match.name
    following: Optional[SearchResultObject[Customer]] = found.next_search_result_page()
    if token is not None:
        client.customers.search(query='phone:"0241234567"', page=token)
    first: List[Customer] = page.data
    for each in page:
        name: Optional[str] = each.name
    payments: ListObject[Payment] = client.customers.list_payments(
        customer_id, starting_after="pay_1"
    )
    subscriptions: ListObject[Subscription] = client.customers.list_subscriptions(customer_id)
    payment = client.payments.create(amount=2500, customer=customer_id, idempotency_key="order-1")
    amount: int = payment.amount
    payments = client.payments.list(customer=customer_id, max_network_retries=0)
    subscription = client.subscriptions.create(customer=customer_id, amount=2500, interval="month")
    subscriptions = client.subscriptions.list(customer=customer_id, status="active")
    subscription = client.subscriptions.cancel(subscription.id)
    deleted: DeletedObject = client.customers.delete(customer_id)
    gone: bool = deleted.deleted
    # Unknown fields read as Any.
    print(customer.some_future_field, email, user_id, has_more, first, name, amount, gone)
    print(payments, subscriptions)
    print(filtered, token, more_found, match_name, following)

    client.payments.create()  # type: ignore[call-arg]
    client.customers.list(limit="ten")  # type: ignore[arg-type]
    client.subscriptions.list(status="paused")  # type: ignore[arg-type]
    client.customers.search()  # type: ignore[call-arg]
    client.customers.search(query='name~"kwame"', starting_after="cus_1")  # type: ignore[call-arg]
    client.customers.list(metadata={"order_id": 42})  # type: ignore[dict-item]
    not_list: ListObject[Customer] = client.customers.search(query="x")  # type: ignore[assignment]
    client.subscriptions.create(customer=customer_id, amount=1, interval="fortnight")  # type: ignore[arg-type]
    client.customers.retrieve(customer_id, idempotency_key=1)  # type: ignore[arg-type]
    wrong: Payment = client.customers.retrieve(customer_id)  # type: ignore[assignment]
    try:
        client.customers.list()
    except shikacreators.ShikaError as error:
        status: Optional[int] = error.http_status
        request_id: Optional[str] = error.request_id
        print(status, request_id, error.code, error.param, error.type, wrong)


def use_webhooks(
    client: shikacreators.Client,
    body: bytes,
    headers: Dict[str, str],
    message: email.message.Message,
    asgi_headers: List[Tuple[bytes, bytes]],
) -> None:
    endpoint: WebhookEndpoint = client.webhook_endpoints.create(
        url="https://example.com/hooks/shika",
        enabled_events=["customer.created", "payment.*"],
        description="Orders",
        metadata={"team": "billing"},
    )
    secret: str = endpoint.secret
    enabled: List[str] = endpoint.enabled_events
    description: Optional[str] = endpoint.description
    endpoint = client.webhook_endpoints.retrieve(endpoint.id)
    endpoint = client.webhook_endpoints.update(endpoint.id, disabled=True, description=None)
    endpoint = client.webhook_endpoints.roll_secret(endpoint.id, timeout=5.0)
    endpoints: ListObject[WebhookEndpoint] = client.webhook_endpoints.list(limit=10)
    gone: DeletedObject = client.webhook_endpoints.delete(endpoint.id)
    events: ListObject[Event] = client.events.list(type="customer.*", created={"gte": 1700000000})
    event: Event = client.events.retrieve("evt_1")
    kind: str = event.type
    event = shikacreators.Webhook.construct_event(body, headers, secret)
    event = shikacreators.Webhook.construct_event(body.decode(), message, secret, tolerance=600)
    event = shikacreators.Webhook.construct_event(body, asgi_headers, secret)
    changed_id: str = event.data.object.id
    try:
        shikacreators.Webhook.construct_event(body, headers, secret)
    except shikacreators.SignatureVerificationError as error:
        sig_header: Optional[str] = error.sig_header
        print(sig_header, error.message)
    print(enabled, description, endpoints, gone, events, kind, changed_id)

    client.webhook_endpoints.create(url="https://example.com/hook")  # type: ignore[call-arg]
    client.webhook_endpoints.create(url="x", enabled_events="customer.created")  # type: ignore[arg-type]
    client.webhook_endpoints.update(endpoint.id, disabled="yes")  # type: ignore[arg-type]
    client.events.list(type=["customer.*"])  # type: ignore[arg-type]
    wrong: Customer = client.events.retrieve("evt_1")  # type: ignore[assignment]
    shikacreators.Webhook.construct_event({"id": "evt_1"}, headers, secret)  # type: ignore[arg-type]
    print(wrong)
