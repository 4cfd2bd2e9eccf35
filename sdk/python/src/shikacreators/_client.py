"""`Client`: the configuration (key, base URL, retries, timeout) and the resources it serves."""

from __future__ import annotations

import os
from types import TracebackType
from typing import Optional, Type

from ._http import Requestor, check_api_key
from ._resources import Customers, Events, Payments, Subscriptions, WebhookEndpoints

__all__ = ["Client", "DEFAULT_BASE_URL"]

DEFAULT_BASE_URL = "http://127.0.0.1:3000"


class Client:
    """A Shika API client for one secret key.

        client = shikacreators.Client('sk_test_…')
        customer = client.customers.create(email='customer@example.com')

    `base_url` defaults to the environment variable SHIKA_BASE_URL, else
    http://127.0.0.1:3000. Retryable failures (connection errors and timeouts, 409 "in
    progress", 429 and 5xx) are retried up to `max_network_retries` times, waiting
    `initial_retry_delay` × 2ⁿ seconds (randomised, at most `max_retry_delay`) or the answer's
    Retry-After. `timeout` is in seconds, for connecting and for each read. A client can be
    shared between threads; each thread keeps its own connection alive.
    """

    customers: Customers
    payments: Payments
    subscriptions: Subscriptions
    events: Events
    webhook_endpoints: WebhookEndpoints

    def __init__(
        self,
        api_key: str,
        *,
        base_url: Optional[str] = None,
        max_network_retries: int = 2,
        timeout: float = 30.0,
        initial_retry_delay: float = 0.5,
        max_retry_delay: float = 8.0,
    ) -> None:
        if not isinstance(api_key, str):
            raise TypeError("api_key must be a string such as 'sk_test_…'")
        api_key = api_key.strip()
        check_api_key(api_key)
        if max_network_retries < 0:
            raise ValueError("max_network_retries must be 0 or more")
        if timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        url = base_url or os.environ.get("SHIKA_BASE_URL") or DEFAULT_BASE_URL
        self._requestor = Requestor(
            api_key,
            url.rstrip("/"),
            max_network_retries=max_network_retries,
            timeout=timeout,
            initial_retry_delay=initial_retry_delay,
            max_retry_delay=max_retry_delay,
        )
        self.customers = Customers(self._requestor)
        self.payments = Payments(self._requestor)
        self.subscriptions = Subscriptions(self._requestor)
        self.events = Events(self._requestor)
        self.webhook_endpoints = WebhookEndpoints(self._requestor)

    @property
    def base_url(self) -> str:
        return self._requestor.base_url

    @property
    def max_network_retries(self) -> int:
        return self._requestor.max_network_retries

    @property
    def timeout(self) -> float:
        return self._requestor.timeout

    def close(self) -> None:
        """Closes the calling thread's kept-alive connection; the client stays usable."""
        self._requestor.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        # Never the key: a repr ends up in logs and tracebacks.
        return (
            f"<shikacreators.Client base_url={self.base_url!r} "
            f"max_network_retries={self.max_network_retries} timeout={self.timeout}>"
        )
