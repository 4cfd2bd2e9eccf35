"""Pagination across many pages, forwards and backwards: every object exactly once, in order,
with pages fetched only when the loop reaches them."""

from __future__ import annotations

from typing import List, Optional

import pytest

import shikacreators

from conftest import ClientFactory, key_of
from support import Proxy


@pytest.fixture
def seven(make_client: ClientFactory) -> shikacreators.Client:
    client = make_client()
    for i in range(7):
        client.customers.create(name=f"Customer {i}")
    return client


def all_ids(client: shikacreators.Client) -> List[str]:
    """Newest first, as the API orders every list (one page of 100 holds them all)."""
    page = client.customers.list(limit=100)
    assert page.has_more is False
    return [c.id for c in page.data]


def test_forward_iteration_walks_every_page_once_in_order(seven: shikacreators.Client) -> None:
    newest_first = all_ids(seven)
    assert len(newest_first) == 7
    page = seven.customers.list(limit=2)
    assert [c.id for c in page.data] == newest_first[:2]
    assert page.has_more is True and page["has_more"] is True
    assert [c.id for c in page] == newest_first
    # Iterating again starts from this page again.
    assert [c.name for c in page] == [f"Customer {i}" for i in reversed(range(7))]

    pages = []
    current: Optional[shikacreators.ListObject[shikacreators.Customer]] = page
    while current is not None:
        pages.append([c.id for c in current.data])
        current = current.next_page()
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:6], newest_first[6:7]]


def test_starting_after_continues_from_the_cursor(seven: shikacreators.Client) -> None:
    newest_first = all_ids(seven)
    page = seven.customers.list(limit=2, starting_after=newest_first[1])
    assert [c.id for c in page.data] == newest_first[2:4]
    assert [c.id for c in page] == newest_first[2:]


def test_backward_iteration_walks_newer_pages(seven: shikacreators.Client) -> None:
    newest_first = all_ids(seven)
    oldest = newest_first[-1]
    page = seven.customers.list(limit=2, ending_before=oldest)
    # The page just newer than the cursor, still newest first.
    assert [c.id for c in page.data] == newest_first[4:6]
    assert page.has_more is True
    walked = [c.id for c in page]
    # Pages go newer (ending_before = first id of each page); each page in the API's order.
    assert walked == newest_first[4:6] + newest_first[2:4] + newest_first[0:2]
    assert sorted(walked) == sorted(newest_first[:-1]) and len(set(walked)) == 6

    # From the middle: an odd page at the newest end.
    walked = [c.id for c in seven.customers.list(limit=2, ending_before=newest_first[3])]
    assert walked == newest_first[1:3] + newest_first[0:1]


def test_pages_are_fetched_only_when_needed(seven: shikacreators.Client, proxy: Proxy) -> None:
    proxied = shikacreators.Client(key_of(seven), base_url=proxy.url)
    items = iter(proxied.customers.list(limit=3))
    assert len(proxy.requests) == 1
    for _ in range(3):
        next(items)
    assert len(proxy.requests) == 1
    fourth = next(items)
    assert len(proxy.requests) == 2
    newest_first = all_ids(seven)
    assert fourth.id == newest_first[3]
    assert proxy.requests[1].path == f"/v1/customers?limit=3&starting_after={newest_first[2]}"
    rest = list(items)
    assert [c.id for c in rest] == newest_first[4:]
    # 7 objects at 3 a page: pages 1-3, and no request past the page saying has_more false.
    assert len(proxy.requests) == 3
    proxied.close()


def test_later_pages_keep_the_filters_and_options(make_client: ClientFactory, proxy: Proxy) -> None:
    owner = make_client()
    email = "pages@example.com"
    ids = [owner.customers.create(email=email).id for _ in range(5)]
    owner.customers.create(email="someone-else@example.com")
    # A client with another merchant's key: the per-request api_key must reach every page.
    stranger = make_client(base_url=proxy.url)
    walked = [
        c.id
        for c in stranger.customers.list(limit=2, email=email, api_key=key_of(owner), timeout=10)
    ]
    assert walked == list(reversed(ids))
    assert len(proxy.requests) == 3
    for request in proxy.requests:
        assert request.headers["authorization"] == f"Bearer {key_of(owner)}"
        assert "email=pages%40example.com" in request.path and "limit=2" in request.path


def test_an_empty_list(client: shikacreators.Client) -> None:
    page = client.customers.list()
    assert page.data == [] and page.has_more is False
    assert list(page) == [] and page.next_page() is None
    assert page.to_dict() == {
        "object": "list",
        "data": [],
        "has_more": False,
        "url": "/v1/customers",
    }
