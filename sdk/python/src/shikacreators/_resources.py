"""The resource classes behind `client.customers`, `client.payments`, `client.subscriptions`,
`client.events` and `client.webhook_endpoints`.

Each method is one line that names its row of the operations table (`_operations.py`) and the
object class it returns; `APIResource` does the rest: it splits per-request options from API
parameters, sends parameters as a JSON body (POST, PATCH) or as the query (GET, DELETE), and
wraps the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Dict, Mapping, Tuple, Type, TypeVar

from ._http import Requestor
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
    convert,
)
from ._operations import operation
from .errors import APIError
from .params import OPTION_NAMES

if TYPE_CHECKING:
    # Only type checkers read this import (every annotation here is a string at run time), so
    # typing_extensions is not a run-time dependency.
    from typing_extensions import Unpack

    from .params import (
        CustomerCreateParams,
        CustomerListParams,
        CustomerSearchParams,
        CustomerUpdateParams,
        EventListParams,
        ListParams,
        PaymentCreateParams,
        PaymentListParams,
        RequestOptions,
        SubscriptionCreateParams,
        SubscriptionListParams,
        WebhookEndpointCreateParams,
        WebhookEndpointUpdateParams,
    )

__all__ = [
    "APIResource",
    "Customers",
    "Payments",
    "Subscriptions",
    "Events",
    "WebhookEndpoints",
    "RESOURCES",
]

ObjectT = TypeVar("ObjectT", bound=ShikaObject)


class APIResource:
    """One resource of the API; `resource` is its name in the operations table."""

    resource: ClassVar[str]

    def __init__(self, requestor: Requestor) -> None:
        self._requestor = requestor

    def __repr__(self) -> str:
        return f"<shikacreators.{type(self).__name__}>"

    def _split(self, params: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        api = {key: value for key, value in params.items() if key not in OPTION_NAMES}
        options = {key: value for key, value in params.items() if key in OPTION_NAMES}
        return api, options

    def _call(self, name: str, ids: Tuple[str, ...], params: Mapping[str, Any]) -> Any:
        op = operation(self.resource, name)
        api, options = self._split(params)
        path = op.path_for(*ids)
        as_query = op.http_method in ("GET", "DELETE")
        response = self._requestor.request(
            op.http_method,
            path,
            query=api if as_query else None,
            body=None if as_query else api,
            idempotency_key=options.get("idempotency_key"),
            api_key=options.get("api_key"),
            timeout=options.get("timeout"),
            max_network_retries=options.get("max_network_retries"),
        )
        return response.body

    def _object(
        self, cls: Type[ObjectT], name: str, ids: Tuple[str, ...], params: Mapping[str, Any]
    ) -> ObjectT:
        value = convert(self._call(name, ids, params))
        if not isinstance(value, cls):
            raise APIError(
                f"{self.resource}.{name} expected a {cls.__name__} in the answer, got "
                f"{type(value).__name__}; is this library older than the server?"
            )
        return value

    def _list(
        self, cls: Type[ObjectT], name: str, ids: Tuple[str, ...], params: Mapping[str, Any]
    ) -> ListObject[ObjectT]:
        api, options = self._split(params)

        # The next pages reuse this call's options (key, timeout, retries); only the query moves.
        def fetch(query: Dict[str, Any]) -> ListObject[ObjectT]:
            body = self._call(name, ids, {**query, **options})
            if not isinstance(body, dict) or body.get("object") != "list":
                raise APIError(f"{self.resource}.{name} expected a list in the answer")
            return ListObject(body, query, fetch)

        return fetch(api)

    def _search(
        self, cls: Type[ObjectT], name: str, ids: Tuple[str, ...], params: Mapping[str, Any]
    ) -> SearchResultObject[ObjectT]:
        api, options = self._split(params)

        # The next pages reuse this call's query, limit and options; only `page` moves.
        def fetch(query: Dict[str, Any]) -> SearchResultObject[ObjectT]:
            body = self._call(name, ids, {**query, **options})
            if not isinstance(body, dict) or body.get("object") != "search_result":
                raise APIError(f"{self.resource}.{name} expected a search result in the answer")
            return SearchResultObject(body, query, fetch)

        return fetch(api)


class Customers(APIResource):
    """`client.customers`: create, retrieve, update, delete, list and search customers, and
    list a customer's payments and subscriptions."""

    resource = "customers"

    def create(self, **params: Unpack[CustomerCreateParams]) -> Customer:
        """Creates a customer: `create(email=..., name=..., phone=..., metadata={...})`."""
        return self._object(Customer, "create", (), params)

    def retrieve(self, id: str, **options: Unpack[RequestOptions]) -> Customer:
        """The customer with this id; InvalidRequestError (404) when there is none."""
        return self._object(Customer, "retrieve", (id,), options)

    def update(self, id: str, **params: Unpack[CustomerUpdateParams]) -> Customer:
        """Changes only the fields given; None or "" clears a field, metadata merges by key."""
        return self._object(Customer, "update", (id,), params)

    def delete(self, id: str, **options: Unpack[RequestOptions]) -> DeletedObject:
        """Deletes the customer (its active subscriptions are canceled); `deleted` is True."""
        return self._object(DeletedObject, "delete", (id,), options)

    def list(self, **params: Unpack[CustomerListParams]) -> ListObject[Customer]:
        """A page of customers, newest first; iterate it for all of them."""
        return self._list(Customer, "list", (), params)

    def search(self, **params: Unpack[CustomerSearchParams]) -> SearchResultObject[Customer]:
        """A page of the customers matching `query` (e.g. `name~"kwame"`), newest first;
        iterate it for all of them."""
        return self._search(Customer, "search", (), params)

    def list_payments(self, id: str, **params: Unpack[ListParams]) -> ListObject[Payment]:
        """A page of this customer's payments, newest first; iterate it for all of them."""
        return self._list(Payment, "list_payments", (id,), params)

    def list_subscriptions(self, id: str, **params: Unpack[ListParams]) -> ListObject[Subscription]:
        """A page of this customer's subscriptions, newest first; iterate it for all of them."""
        return self._list(Subscription, "list_subscriptions", (id,), params)


class Payments(APIResource):
    """`client.payments`: create, retrieve and list payments."""

    resource = "payments"

    def create(self, **params: Unpack[PaymentCreateParams]) -> Payment:
        """Creates a payment: `create(amount=2500, currency='GHS', customer='cus_…')`."""
        return self._object(Payment, "create", (), params)

    def retrieve(self, id: str, **options: Unpack[RequestOptions]) -> Payment:
        """The payment with this id."""
        return self._object(Payment, "retrieve", (id,), options)

    def list(self, **params: Unpack[PaymentListParams]) -> ListObject[Payment]:
        """A page of payments, newest first (`customer=` filters); iterate it for all."""
        return self._list(Payment, "list", (), params)


class Subscriptions(APIResource):
    """`client.subscriptions`: create, retrieve, list and cancel subscriptions."""

    resource = "subscriptions"

    def create(self, **params: Unpack[SubscriptionCreateParams]) -> Subscription:
        """Creates a subscription: `create(customer='cus_…', amount=2500, interval='month')`."""
        return self._object(Subscription, "create", (), params)

    def retrieve(self, id: str, **options: Unpack[RequestOptions]) -> Subscription:
        """The subscription with this id."""
        return self._object(Subscription, "retrieve", (id,), options)

    def list(self, **params: Unpack[SubscriptionListParams]) -> ListObject[Subscription]:
        """A page of subscriptions, newest first (`customer=`, `status=` filter); iterate it
        for all."""
        return self._list(Subscription, "list", (), params)

    def cancel(self, id: str, **options: Unpack[RequestOptions]) -> Subscription:
        """Cancels the subscription (DELETE) and returns it; canceling twice is harmless."""
        return self._object(Subscription, "cancel", (id,), options)


class Events(APIResource):
    """`client.events`: retrieve and list the events of this key's mode."""

    resource = "events"

    def retrieve(self, id: str, **options: Unpack[RequestOptions]) -> Event:
        """The event with this id."""
        return self._object(Event, "retrieve", (id,), options)

    def list(self, **params: Unpack[EventListParams]) -> ListObject[Event]:
        """A page of events, newest first (`type='customer.updated'` or `type='customer.*'`
        filters); iterate it for all."""
        return self._list(Event, "list", (), params)


class WebhookEndpoints(APIResource):
    """`client.webhook_endpoints`: create, retrieve, update, delete and list webhook endpoints,
    and roll their signing secret."""

    resource = "webhook_endpoints"

    def create(self, **params: Unpack[WebhookEndpointCreateParams]) -> WebhookEndpoint:
        """Creates an endpoint: `create(url='https://…', enabled_events=['customer.created'])`.
        The answer's `secret` (for `Webhook.construct_event`) is shown this once only."""
        return self._object(WebhookEndpoint, "create", (), params)

    def retrieve(self, id: str, **options: Unpack[RequestOptions]) -> WebhookEndpoint:
        """The endpoint with this id (without its secret)."""
        return self._object(WebhookEndpoint, "retrieve", (id,), options)

    def update(self, id: str, **params: Unpack[WebhookEndpointUpdateParams]) -> WebhookEndpoint:
        """Changes only the fields given; `disabled=True` stops deliveries, False resumes them."""
        return self._object(WebhookEndpoint, "update", (id,), params)

    def delete(self, id: str, **options: Unpack[RequestOptions]) -> DeletedObject:
        """Deletes the endpoint: nothing more is delivered to it; `deleted` is True."""
        return self._object(DeletedObject, "delete", (id,), options)

    def list(self, **params: Unpack[ListParams]) -> ListObject[WebhookEndpoint]:
        """A page of endpoints, newest first; iterate it for all."""
        return self._list(WebhookEndpoint, "list", (), params)

    def roll_secret(self, id: str, **options: Unpack[RequestOptions]) -> WebhookEndpoint:
        """A new signing secret, in the answer's `secret`; deliveries are signed with the old
        one too for 24 hours, so receivers can switch without losing any."""
        return self._object(WebhookEndpoint, "roll_secret", (id,), options)


# Client attribute -> class; the client builds one of each.
RESOURCES: Dict[str, Type[APIResource]] = {
    cls.resource: cls for cls in (Customers, Payments, Subscriptions, Events, WebhookEndpoints)
}
