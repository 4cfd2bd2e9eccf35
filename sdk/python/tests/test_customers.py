"""Every customers method against the real server: create, retrieve, update, delete, list (with
its filters), search, list_payments and list_subscriptions, and the objects they return."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

import shikacreators

from conftest import ClientFactory, key_of
from support import Proxy, augment, raw_get, unique_email


def test_create_returns_the_customer_with_every_field(client: shikacreators.Client) -> None:
    email = unique_email()
    customer = client.customers.create(
        email=email, name="John Doe", phone="0241234567", metadata={"user_id": "123"}
    )
    assert isinstance(customer, shikacreators.Customer)
    assert customer.id.startswith("cus_") and customer["id"] == customer.id
    assert customer.object == customer["object"] == "customer"
    assert (customer.email, customer.name, customer.phone) == (email, "John Doe", "0241234567")
    assert customer.metadata.user_id == customer["metadata"]["user_id"] == "123"
    assert customer.created_at.endswith("Z") and customer.updated_at.endswith("Z")
    # Nothing lost or added on the way: the SDK's object is the API's JSON.
    assert customer.to_dict() == raw_get(f"/v1/customers/{customer.id}", key_of(client))
    assert repr(customer).startswith("Customer({") and f"'id': '{customer.id}'" in repr(customer)


def test_create_with_no_params_and_retrieve(client: shikacreators.Client) -> None:
    created = client.customers.create()
    assert (created.email, created.name, created.phone, created.metadata) == (None, None, None, {})
    fetched = client.customers.retrieve(created.id)
    assert fetched == created
    assert type(fetched) is shikacreators.Customer


def test_unknown_fields_are_kept(client: shikacreators.Client, proxy: Proxy) -> None:
    # A newer server may add fields: the proxy adds some to the real answer.
    created = client.customers.create(email=unique_email())
    proxied = shikacreators.Client(key_of(client), base_url=proxy.url)
    proxy.script(augment(loyalty={"tier": "gold", "points": 12}, tags=["a", "b"]))
    customer = proxied.customers.retrieve(created.id)
    assert customer.loyalty.tier == customer["loyalty"]["tier"] == "gold"
    assert customer.loyalty.points == 12 and customer.tags == ["a", "b"]
    assert customer.email == created.email
    assert customer.to_dict() == {
        **created.to_dict(),
        "loyalty": {"tier": "gold", "points": 12},
        "tags": ["a", "b"],
    }
    proxied.close()


def test_update_changes_only_what_is_sent(client: shikacreators.Client) -> None:
    created = client.customers.create(
        email=unique_email(), name="John Doe", phone="0241234567", metadata={"user_id": "123"}
    )
    updated = client.customers.update(created.id, name="Jane Doe", metadata={"vip": "true"})
    assert updated.id == created.id
    assert updated.name == "Jane Doe"
    assert (updated.email, updated.phone) == (created.email, created.phone)
    assert updated.metadata.to_dict() == {"user_id": "123", "vip": "true"}
    assert updated.updated_at >= created.updated_at
    # None clears a field and removes a metadata key.
    cleared = client.customers.update(created.id, phone=None, metadata={"user_id": None})
    assert cleared.phone is None and cleared.metadata.to_dict() == {"vip": "true"}
    assert client.customers.retrieve(created.id) == cleared


def test_delete_answers_deleted_and_the_customer_is_gone(client: shikacreators.Client) -> None:
    created = client.customers.create(email=unique_email())
    deleted = client.customers.delete(created.id)
    assert isinstance(deleted, shikacreators.DeletedObject)
    assert deleted.to_dict() == {"id": created.id, "object": "customer", "deleted": True}
    assert deleted.deleted is True and deleted["deleted"] is True
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.retrieve(created.id)
    assert (caught.value.http_status, caught.value.code) == (404, "resource_missing")
    assert created.id not in [c.id for c in client.customers.list()]


def test_list_first_page_and_filters(client: shikacreators.Client) -> None:
    email = unique_email()
    ids = [client.customers.create(email=email if i % 2 else unique_email()).id for i in range(4)]
    page = client.customers.list(limit=10)
    assert isinstance(page, shikacreators.ListObject)
    assert (page.object, page.url, page.has_more) == ("list", "/v1/customers", False)
    assert page["object"] == "list" and page["url"] == "/v1/customers"
    assert [c.id for c in page.data] == list(reversed(ids))
    assert all(type(c) is shikacreators.Customer for c in page.data)
    # email: exact, case-insensitive.
    assert [c.id for c in client.customers.list(email=email.upper())] == [ids[3], ids[1]]


def test_list_created_filter_takes_datetimes_strings_and_unix_seconds(
    client: shikacreators.Client,
) -> None:
    first = client.customers.create()
    later = client.customers.create()
    since = first.created_at
    assert [c.id for c in client.customers.list(created={"gte": since})] == [later.id, first.id]
    assert [c.id for c in client.customers.list(created={"lt": since})] == []
    assert [c.id for c in client.customers.list(created={"gt": later.created_at})] == []
    moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    assert [c.id for c in client.customers.list(created={"gte": moment})] == [later.id, first.id]
    local = moment.astimezone(timezone(timedelta(hours=-5)))
    assert [c.id for c in client.customers.list(created={"gte": local})] == [later.id, first.id]
    hour_ago = int(time.time()) - 3600
    assert [
        c.id
        for c in client.customers.list(created={"gte": hour_ago, "lte": int(time.time()) + 3600})
    ] == [
        later.id,
        first.id,
    ]


def test_list_phone_filter_matches_however_the_number_is_typed(
    client: shikacreators.Client,
) -> None:
    kwame = client.customers.create(name="Kwame", phone="024 123 4567")
    client.customers.create(name="Ama", phone="0201112222")
    client.customers.create(name="No phone")
    for typed in ("0241234567", "024 123 4567", "+233 24 123 4567", "233241234567"):
        assert [c.id for c in client.customers.list(phone=typed)] == [kwame.id], typed
    # The number comes back as it was given.
    assert client.customers.list(phone="+233241234567").data[0].phone == "024 123 4567"
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.list(phone="kofi")
    assert (caught.value.code, caught.value.param) == ("parameter_invalid", "phone")


def test_list_metadata_filter_every_key_must_match(
    client: shikacreators.Client, proxy: Proxy
) -> None:
    email = unique_email()
    a = client.customers.create(email=unique_email(), metadata={"order_id": "42", "tier": "gold"})
    b = client.customers.create(email=email, metadata={"order_id": "42"})
    client.customers.create(email=unique_email(), metadata={"order_id": "43"})
    client.customers.create(email=unique_email())
    assert [c.id for c in client.customers.list(metadata={"order_id": "42"})] == [b.id, a.id]
    both = client.customers.list(metadata={"order_id": "42", "tier": "gold"})
    assert [c.id for c in both] == [a.id]
    with_email = client.customers.list(metadata={"order_id": "42"}, email=email)
    assert [c.id for c in with_email] == [b.id]
    assert client.customers.list(metadata={"order_id": "4"}).data == []
    # Sent as metadata[key]=value, on every page.
    proxied = shikacreators.Client(key_of(client), base_url=proxy.url)
    assert [c.id for c in proxied.customers.list(metadata={"order_id": "42"}, limit=1)] == [
        b.id,
        a.id,
    ]
    assert [r.path for r in proxy.requests] == [
        "/v1/customers?metadata%5Border_id%5D=42&limit=1",
        f"/v1/customers?metadata%5Border_id%5D=42&limit=1&starting_after={b.id}",
    ]
    proxied.close()


def test_search_by_substring_metadata_phone_and_email(client: shikacreators.Client) -> None:
    mensah = client.customers.create(
        name="Kwame Mensah", phone="+233241234567", metadata={"tier": "gold"}
    )
    boateng = client.customers.create(name="Kwame Boateng", metadata={"tier": "silver"})
    email = unique_email()
    nkrumah = client.customers.create(
        name="Ama Kwame-Nkrumah", email=email, metadata={"tier": "gold"}
    )
    client.customers.create(name="Esi Owusu", phone="0201112222")

    page = client.customers.search(query='name~"kwame"')
    assert isinstance(page, shikacreators.SearchResultObject)
    assert (page.object, page.url, page.has_more, page.next_page) == (
        "search_result",
        "/v1/customers/search",
        False,
        None,
    )
    assert page["object"] == "search_result" and page["next_page"] is None
    assert [c.id for c in page.data] == [nkrumah.id, boateng.id, mensah.id]
    assert all(type(c) is shikacreators.Customer for c in page.data)
    assert page.data[1] == client.customers.retrieve(boateng.id)

    gold = client.customers.search(query='name~"kwame" AND metadata["tier"]:"gold"')
    assert [c.id for c in gold] == [nkrumah.id, mensah.id]
    not_gold = client.customers.search(query='name~"kwame" AND -metadata["tier"]:"gold"')
    assert [c.id for c in not_gold] == [boateng.id]
    for typed in ("0241234567", "024 123 4567", "+233 24 123 4567"):
        assert [c.id for c in client.customers.search(query=f'phone:"{typed}"')] == [mensah.id]
    by_email = client.customers.search(query=f'email:"{email.upper()}"')
    assert [c.id for c in by_email] == [nkrumah.id]
    assert len(client.customers.search(query='name~"boateng" OR phone:"020 111 2222"').data) == 2
    assert list(client.customers.search(query='name~"nobody"')) == []
    # An update is found at once.
    client.customers.update(boateng.id, name="Kofi Boateng")
    assert [c.id for c in client.customers.search(query='name~"kofi"')] == [boateng.id]


@pytest.mark.parametrize(
    "query, words",
    [
        ("name=kwame", "expected an operator after name"),
        ("colour:red", "unknown field 'colour'"),
        ('name:"kwame', "never closed"),
        ("name~ab", "at least 3 characters"),
    ],
)
def test_search_query_that_does_not_parse_says_where(
    client: shikacreators.Client, query: str, words: str
) -> None:
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.search(query=query, max_network_retries=0)
    error = caught.value
    assert (error.http_status, error.type, error.code, error.param) == (
        400,
        "invalid_request_error",
        "parameter_invalid",
        "query",
    )
    assert words in error.message and "character" in error.message, error.message
    assert error.request_id is not None and error.request_id.startswith("req_")


def test_search_without_a_query_or_with_a_bad_page(client: shikacreators.Client) -> None:
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.search()  # type: ignore[call-arg]
    assert (caught.value.code, caught.value.param) == ("parameter_missing", "query")
    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.search(query='name~"kwame"', page="nope")
    assert (caught.value.code, caught.value.param) == ("parameter_invalid", "page")


def test_list_a_customers_payments_and_subscriptions(client: shikacreators.Client) -> None:
    customer = client.customers.create(email=unique_email())
    other = client.customers.create(email=unique_email())
    payments = [
        client.payments.create(amount=100 * (i + 1), customer=customer.id) for i in range(3)
    ]
    client.payments.create(amount=999, customer=other.id)
    subscription = client.subscriptions.create(customer=customer.id, amount=2500, interval="month")
    client.subscriptions.create(customer=other.id, amount=100, interval="day")

    page = client.customers.list_payments(customer.id, limit=2)
    assert page.url == f"/v1/customers/{customer.id}/payments" and page.has_more is True
    assert [p.id for p in page.data] == [payments[2].id, payments[1].id]
    assert all(type(p) is shikacreators.Payment for p in page.data)
    assert [p.id for p in page] == [p.id for p in reversed(payments)]

    subscriptions = client.customers.list_subscriptions(customer.id)
    assert subscriptions.url == f"/v1/customers/{customer.id}/subscriptions"
    assert [s.id for s in subscriptions] == [subscription.id]
    assert type(subscriptions.data[0]) is shikacreators.Subscription

    with pytest.raises(shikacreators.InvalidRequestError) as caught:
        client.customers.list_payments("cus_doesnotexist000")
    assert caught.value.http_status == 404


def test_delete_cancels_subscriptions_and_unlinks_payments(client: shikacreators.Client) -> None:
    customer = client.customers.create(email=unique_email())
    payment = client.payments.create(amount=500, customer=customer.id)
    subscription = client.subscriptions.create(customer=customer.id, amount=2500, interval="week")
    client.customers.delete(customer.id)
    assert client.payments.retrieve(payment.id).customer is None
    canceled = client.subscriptions.retrieve(subscription.id)
    assert canceled.status == "canceled" and canceled.canceled_at is not None


def test_api_key_override_per_request(make_client: ClientFactory) -> None:
    mine = make_client()
    other = make_client()
    theirs = other.customers.create(email=unique_email())
    with pytest.raises(shikacreators.InvalidRequestError):
        mine.customers.retrieve(theirs.id)
    assert mine.customers.retrieve(theirs.id, api_key=key_of(other)).id == theirs.id
