"""The Python client of the Shika Creators API.

    import shikacreators

    client = shikacreators.Client('sk_test_…')
    customer = client.customers.create(email='customer@example.com', name='John Doe')
    for customer in client.customers.list():
        print(customer.id)
    for customer in client.customers.search(query='name~"kwame"'):
        print(customer.id)

This module re-exports the public names: `Client`, the error classes, the object classes and
the package version.
"""

from ._client import DEFAULT_BASE_URL, Client
from ._objects import (
    Customer,
    DeletedObject,
    ListObject,
    Payment,
    SearchResultObject,
    ShikaObject,
    Subscription,
)
from ._version import VERSION
from .errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    IdempotencyError,
    InvalidRequestError,
    RateLimitError,
    ShikaError,
)

__version__ = VERSION

__all__ = [
    "Client",
    "DEFAULT_BASE_URL",
    "VERSION",
    "__version__",
    "ShikaObject",
    "ListObject",
    "SearchResultObject",
    "Customer",
    "DeletedObject",
    "Payment",
    "Subscription",
    "ShikaError",
    "InvalidRequestError",
    "AuthenticationError",
    "IdempotencyError",
    "RateLimitError",
    "APIError",
    "APIConnectionError",
]
