"""payments (create, retrieve, list with the customer filter) and subscriptions (create,
retrieve, list with the customer and status filters, cancel) against the real server."""

from __future__ import annotations

import pytest

import shikacreators

from support import unique_email


def test_payments_create_retrieve_list(client: shikacreators.Client) -> None:
    customer = client.customers.create(email=unique_email())
    payment = client.payments.create(
        amount=2500,
        currency="ghs",
        customer=customer.id,
        description="Order 1",
        metadata={"order": "1"},
    )
    assert isinstance(payment, shikacreators.Payment)
    assert payment.id.startswith("pay_") and payment["id"] == payment.id
    assert (payment.object, payment.amount, payment.currency) == ("payment", 2500, "GHS")
    assert (payment.customer, payment.description, payment.status) == (
        customer.id,
        "Order 1",
        "succeeded",
    )
    assert payment.metadata.order == "1"
    assert client.payments.retrieve(payment.id) == payment

    anonymous = client.payments.create(amount=1)
    assert anonymous.customer is None and anonymous.currency == "GHS"
    page = client.payments.list()
    assert page.url == "/v1/payments"
    assert [p.id for p in page] == [anonymous.id, payment.id]
    assert [p.id for p in client.payments.list(customer=customer.id)] == [payment.id]

    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.payments.list(customer="cus_doesnotexist000")
    assert (caught.value.code, caught.value.param) == ("resource_missing", "customer")


def test_subscriptions_create_retrieve_list_cancel(client: shikacreators.Client) -> None:
    first = client.customers.create(email=unique_email())
    second = client.customers.create(email=unique_email())
    monthly = client.subscriptions.create(
        customer=first.id, amount=2500, interval="month", metadata={"plan": "pro"}
    )
    assert isinstance(monthly, shikacreators.Subscription)
    assert monthly.id.startswith("sub_") and monthly["object"] == "subscription"
    assert (
        monthly.customer,
        monthly.status,
        monthly.amount,
        monthly.currency,
        monthly.interval,
    ) == (
        first.id,
        "active",
        2500,
        "GHS",
        "month",
    )
    assert monthly.canceled_at is None and monthly.metadata.plan == "pro"
    assert monthly.current_period_end > monthly.current_period_start
    yearly = client.subscriptions.create(
        customer=second.id, amount=10000, interval="year", currency="USD"
    )
    weekly = client.subscriptions.create(customer=first.id, amount=700, interval="week")
    assert client.subscriptions.retrieve(monthly.id) == monthly

    assert client.subscriptions.list().url == "/v1/subscriptions"
    assert [s.id for s in client.subscriptions.list()] == [weekly.id, yearly.id, monthly.id]
    assert [s.id for s in client.subscriptions.list(customer=first.id)] == [weekly.id, monthly.id]

    canceled = client.subscriptions.cancel(weekly.id)
    assert type(canceled) is shikacreators.Subscription
    assert canceled.id == weekly.id and canceled.status == "canceled" and canceled.canceled_at
    # Canceling again answers the subscription unchanged.
    assert client.subscriptions.cancel(weekly.id) == canceled

    assert [s.id for s in client.subscriptions.list(status="canceled")] == [weekly.id]
    assert [s.id for s in client.subscriptions.list(status="active")] == [yearly.id, monthly.id]
    assert [s.id for s in client.subscriptions.list(customer=first.id, status="active")] == [
        monthly.id
    ]

    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.subscriptions.create(customer=first.id, amount=100, interval="fortnight")  # type: ignore[arg-type]
    assert caught.value.param == "interval"
