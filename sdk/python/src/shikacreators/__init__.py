"""The Python client of the Shika Creators API.

    import shikacreators

    client = shikacreators.Client('sk_test_…')
    customer = client.customers.create(email='customer@example.com', name='John Doe')
    for customer in client.customers.list():
        print(customer.id)
    for customer in client.customers.search(query='name~"kwame"'):
        print(customer.id)

    # In a webhook handler, with the raw body and the endpoint's secret:
    event = shikacreators.Webhook.construct_event(body, headers, 'whsec_…')

This module re-exports the public names: `Client`, `Webhook`, the error classes, the object
classes and the package version.
"""

from ._client import DEFAULT_BASE_URL, Client
from ._objects import (
    Customer,
    DeletedObject,
    Event,
    ListObject,
    Payment,
    SearchResultObject,
    ShikaObject,
    Subscription,
    WebhookEndpoint,
)
from ._version import VERSION
from ._webhook import Webhook
from .errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    IdempotencyError,
    InvalidRequestError,
    RateLimitError,
    ShikaError,
    SignatureVerificationError,
)

__version__ = VERSION

__all__ = [
    "Client",
    "DEFAULT_BASE_URL",
    "VERSION",
    "__version__",
    "Webhook",
    "ShikaObject",
    "ListObject",
    "SearchResultObject",
    "Customer",
    "DeletedObject",
    "Payment",
    "Subscription",
    "Event",
    "WebhookEndpoint",
    "ShikaError",
    "InvalidRequestError",
    "AuthenticationError",
    "IdempotencyError",
    "RateLimitError",
    "APIError",
    "APIConnectionError",
    "SignatureVerificationError",
]
