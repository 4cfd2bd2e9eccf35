"""Pagination across many pages, forwards and backwards: every object exactly once, in order,
with pages fetched only when the loop reaches them; searches the same way, by `next_page`."""

from __future__ import annotations

from typing import List, Optional
from urllib.parse import parse_qs, urlsplit

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


@pytest.fixture
def five_matches(make_client: ClientFactory) -> shikacreators.Client:
    """Seven customers, five of them named Kwame (the search's matches)."""
    client = make_client()
    for i in range(7):
        client.customers.create(name=f"Ama {i}" if i in (1, 4) else f"Kwame {i}")
    return client


QUERY = 'name~"kwame"'


def matches(client: shikacreators.Client) -> List[str]:
    """The matches' ids newest first, from one page of 100."""
    page = client.customers.search(query=QUERY, limit=100)
    assert page.has_more is False and page.next_page is None
    return [c.id for c in page.data]


def test_search_iteration_walks_every_page_once_lazily(
    five_matches: shikacreators.Client, proxy: Proxy
) -> None:
    newest_first = matches(five_matches)
    assert len(newest_first) == 5
    assert [c.name for c in five_matches.customers.list(limit=100) if c.id in newest_first] == [
        "Kwame 6",
        "Kwame 5",
        "Kwame 3",
        "Kwame 2",
        "Kwame 0",
    ]
    proxied = shikacreators.Client(key_of(five_matches), base_url=proxy.url)
    first = proxied.customers.search(query=QUERY, limit=2)
    assert [c.id for c in first.data] == newest_first[:2]
    assert first.has_more is True and first.next_page is not None
    assert first.next_page.startswith("pg_")
    assert len(proxy.requests) == 1

    items = iter(first)
    seen = [next(items).id, next(items).id]
    assert len(proxy.requests) == 1, "the first page's matches need no request"
    seen.append(next(items).id)
    assert len(proxy.requests) == 2
    seen.append(next(items).id)
    assert len(proxy.requests) == 2
    seen.extend(c.id for c in items)
    # 5 matches at 2 a page: 3 pages, and no request past the one without next_page.
    assert len(proxy.requests) == 3
    assert seen == newest_first

    queries = [parse_qs(urlsplit(r.path).query) for r in proxy.requests]
    assert all(urlsplit(r.path).path == "/v1/customers/search" for r in proxy.requests)
    assert all(q["query"] == [QUERY] and q["limit"] == ["2"] for q in queries)
    assert "page" not in queries[0]
    assert queries[1]["page"] == [first.next_page]
    assert all("starting_after" not in q and "ending_before" not in q for q in queries)
    # Iterating again starts from this page again.
    assert [c.id for c in first] == newest_first
    proxied.close()


def test_search_pages_by_hand_and_by_next_search_result_page(
    five_matches: shikacreators.Client,
) -> None:
    newest_first = matches(five_matches)
    pages = []
    current: Optional[shikacreators.SearchResultObject[shikacreators.Customer]]
    current = five_matches.customers.search(query=QUERY, limit=2)
    while current is not None:
        pages.append([c.id for c in current.data])
        current = current.next_search_result_page()
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]

    first = five_matches.customers.search(query=QUERY, limit=2)
    assert first.next_page is not None
    second = five_matches.customers.search(query=QUERY, limit=2, page=first.next_page)
    assert [c.id for c in second.data] == newest_first[2:4]
    # A page is iterable from itself on.
    assert [c.id for c in second] == newest_first[2:]
    assert repr(second).startswith("SearchResultObject(url='/v1/customers/search', data=[")


def test_later_search_pages_keep_the_options(
    five_matches: shikacreators.Client, make_client: ClientFactory, proxy: Proxy
) -> None:
    stranger = make_client(base_url=proxy.url)
    walked = [
        c.id
        for c in stranger.customers.search(
            query=QUERY, limit=3, api_key=key_of(five_matches), timeout=10
        )
    ]
    assert walked == matches(five_matches)
    assert len(proxy.requests) == 2
    for request in proxy.requests:
        assert request.headers["authorization"] == f"Bearer {key_of(five_matches)}"
        assert "api_key" not in request.path and "timeout" not in request.path


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
