"""Typed keyword arguments of every method: the API's parameters, plus `RequestOptions`.

Every method takes its API parameters as keyword arguments under the API's own names
(`created={'gte': ...}` for `created[gte]`), and the per-request options of `RequestOptions` as
keyword arguments too. No API parameter has an option's name (a test checks this against the
OpenAPI document), so the two never mix. A test also checks these parameter names against the
document.
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Literal, Mapping, Optional, TypedDict, Union

__all__ = [
    "RequestOptions",
    "OPTION_NAMES",
    "CreatedFilter",
    "ListParams",
    "CustomerCreateParams",
    "CustomerUpdateParams",
    "CustomerListParams",
    "CustomerSearchParams",
    "PaymentCreateParams",
    "PaymentListParams",
    "SubscriptionCreateParams",
    "SubscriptionListParams",
    "EventListParams",
    "WebhookEndpointCreateParams",
    "WebhookEndpointUpdateParams",
]


class RequestOptions(TypedDict, total=False):
    """Per-request options; each overrides the client's setting for this call only."""

    # Sent as the Idempotency-Key header of a POST (default: a random UUID, kept across the
    # client's retries of the call).
    idempotency_key: str
    # Another secret key for this call (e.g. a connected merchant's).
    api_key: str
    # Seconds for connecting and for each read of the answer.
    timeout: float
    # How many times to retry this call after a retryable failure.
    max_network_retries: int


OPTION_NAMES = frozenset(RequestOptions.__annotations__)

# Timestamps: ISO 8601 strings, Unix seconds, or datetimes (naive ones are taken as UTC).
Timestamp = Union[str, int, datetime]


class CreatedFilter(TypedDict, total=False):
    gte: Timestamp
    lte: Timestamp
    gt: Timestamp
    lt: Timestamp


# Values of a metadata key; None or "" removes the key on update.
MetadataParam = Mapping[str, Optional[str]]


class ListParams(RequestOptions, total=False):
    limit: int
    starting_after: str
    ending_before: str
    created: CreatedFilter


class CustomerCreateParams(RequestOptions, total=False):
    email: Optional[str]
    name: Optional[str]
    phone: Optional[str]
    metadata: Optional[MetadataParam]


class CustomerUpdateParams(RequestOptions, total=False):
    # None or "" clears email, name or phone; metadata merges key by key (None removes all).
    email: Optional[str]
    name: Optional[str]
    phone: Optional[str]
    metadata: Optional[MetadataParam]


class CustomerListParams(ListParams, total=False):
    email: str
    # Any form of the same number matches: '0241234567', '024 123 4567', '+233 24 123 4567'.
    phone: str
    # Exact values, every key must match: {'order_id': '42'} is sent as metadata[order_id]=42.
    metadata: Mapping[str, str]


class _CustomerSearchRequired(TypedDict):
    # The search query, e.g. 'name~"kwame" AND metadata["tier"]:"gold"'.
    query: str


class CustomerSearchParams(_CustomerSearchRequired, RequestOptions, total=False):
    limit: int
    # The `next_page` of a previous answer, for the page after it (iteration sends it itself).
    page: str


class _PaymentCreateRequired(TypedDict):
    amount: int


class PaymentCreateParams(_PaymentCreateRequired, RequestOptions, total=False):
    currency: str
    customer: Optional[str]
    description: Optional[str]
    metadata: Optional[MetadataParam]


class PaymentListParams(ListParams, total=False):
    customer: str


class _SubscriptionCreateRequired(TypedDict):
    customer: str
    amount: int
    interval: Literal["day", "week", "month", "year"]


class SubscriptionCreateParams(_SubscriptionCreateRequired, RequestOptions, total=False):
    currency: str
    metadata: Optional[MetadataParam]


class SubscriptionListParams(ListParams, total=False):
    customer: str
    status: Literal["active", "canceled"]


class EventListParams(ListParams, total=False):
    # An exact type ('customer.updated') or a prefix ending in '.*' ('customer.*').
    type: str


class _WebhookEndpointCreateRequired(TypedDict):
    url: str
    # Event types, 'resource.*' prefixes or '*': ['customer.created', 'payment.*'].
    enabled_events: List[str]


class WebhookEndpointCreateParams(_WebhookEndpointCreateRequired, RequestOptions, total=False):
    description: Optional[str]
    metadata: Optional[MetadataParam]


class WebhookEndpointUpdateParams(RequestOptions, total=False):
    url: str
    enabled_events: List[str]
    description: Optional[str]
    metadata: Optional[MetadataParam]
    # True stops deliveries to the endpoint (status 'disabled'); False resumes them.
    disabled: bool
