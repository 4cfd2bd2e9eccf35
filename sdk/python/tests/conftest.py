"""Fixtures: clients on fresh merchants of the real server that end2end/with-server.sh started,
and the local proxy."""

from __future__ import annotations

from typing import Any, Callable, Iterator, List

import pytest

import shikacreators

from support import BASE_URL, Proxy, new_merchant, require_server

ClientFactory = Callable[..., shikacreators.Client]


def pytest_configure(config: pytest.Config) -> None:
    # Every test talks to the real server; without one, say so once instead of failing each.
    try:
        require_server()
    except RuntimeError as missing:
        pytest.exit(str(missing), returncode=2)


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    """Makes a client on a new merchant's test key; keyword arguments go to Client. Retries
    wait a few milliseconds instead of half a second, so retry tests stay quick."""
    clients: List[shikacreators.Client] = []

    def make(**options: Any) -> shikacreators.Client:
        key = options.pop("api_key", None) or new_merchant()["test_secret_key"]
        options.setdefault("base_url", BASE_URL)
        options.setdefault("initial_retry_delay", 0.005)
        client = shikacreators.Client(key, **options)
        client.test_key = key  # type: ignore[attr-defined]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> shikacreators.Client:
    return make_client()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with Proxy() as running:
        yield running


def key_of(client: shikacreators.Client) -> str:
    key: str = client.test_key  # type: ignore[attr-defined]
    return key
