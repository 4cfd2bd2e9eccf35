"""What API answers become: `ShikaObject` (a dict with attribute access), its typed subclasses
per `object` kind, `ListObject`, a page that iterates over every object of the list, and
`SearchResultObject`, a page of a search that iterates over every match."""

from __future__ import annotations

import json
from typing import (
    Any,
    Callable,
    Dict,
    Generic,
    Iterator,
    List,
    Mapping,
    Optional,
    Type,
    TypeVar,
)

__all__ = [
    "ShikaObject",
    "Customer",
    "DeletedObject",
    "Payment",
    "Subscription",
    "Event",
    "WebhookEndpoint",
    "ListObject",
    "SearchResultObject",
    "convert",
]


class ShikaObject(Dict[str, Any]):
    """An API object: a `dict` of its JSON fields, readable as attributes too.

    `customer.email` and `customer['email']` are the same value. Fields this version of the
    library does not know are kept and readable the same way; nested objects (such as
    `metadata`) are ShikaObjects as well. `to_dict()` gives plain dicts and lists back.
    """

    # No per-instance __dict__: every field lives in the mapping, so attributes and keys can
    # never disagree.
    __slots__ = ()

    def __init__(self, values: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__()
        for key, value in (values or {}).items():
            self[key] = convert(value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails. Private and dunder names are never fields, so
        # copy/pickle probing for hooks like __deepcopy__ gets the AttributeError it expects.
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} object has no field {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
        else:
            self[name] = value

    def __delattr__(self, name: str) -> None:
        if name.startswith("_"):
            super().__delattr__(name)
            return
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | {key for key in self if key.isidentifier()})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.to_dict()!r})"

    def __str__(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_dict(self) -> Dict[str, Any]:
        """A deep copy as plain dicts and lists, e.g. for `json.dumps` or a test's `==`."""
        return {key: _plain(value) for key, value in self.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


# The typed classes only declare fields (annotations, no values), so reads still go through the
# mapping; they give editors and type checkers the API's field names and types. A test checks
# them against the OpenAPI document's schemas.


class Customer(ShikaObject):
    """A customer (`cus_…`)."""

    __slots__ = ()
    id: str
    object: str
    email: Optional[str]
    name: Optional[str]
    phone: Optional[str]
    metadata: ShikaObject  # of strings; metadata.key and metadata['key'] both read
    created_at: str
    updated_at: str


class DeletedObject(ShikaObject):
    """The answer to a delete: `{id, object, deleted: True}`."""

    __slots__ = ()
    id: str
    object: str
    deleted: bool


class Payment(ShikaObject):
    """A payment (`pay_…`); `amount` in minor units of `currency`."""

    __slots__ = ()
    id: str
    object: str
    amount: int
    currency: str
    customer: Optional[str]
    description: Optional[str]
    status: str
    metadata: ShikaObject
    created_at: str
    updated_at: str


class Subscription(ShikaObject):
    """A subscription (`sub_…`) of a customer."""

    __slots__ = ()
    id: str
    object: str
    customer: str
    status: str
    amount: int
    currency: str
    interval: str
    current_period_start: str
    current_period_end: str
    canceled_at: Optional[str]
    metadata: ShikaObject
    created_at: str
    updated_at: str


class Event(ShikaObject):
    """An event (`evt_…`): one change, as `/v1/events` lists it and a webhook delivers it.

    `data.object` is the changed object as the API returned it right after the change (typed by
    its own `object`: `event.data.object` of a `customer.updated` is a Customer);
    `data.previous_attributes`, on `*.updated` events only, holds the old value of each
    top-level field that changed.
    """

    __slots__ = ()
    id: str
    object: str
    type: str  # e.g. "customer.updated"
    livemode: bool
    created_at: str
    data: ShikaObject


class WebhookEndpoint(ShikaObject):
    """A webhook endpoint (`we_…`): where the events of `enabled_events` are delivered."""

    __slots__ = ()
    id: str
    object: str
    url: str
    enabled_events: List[str]  # event types, "resource.*" prefixes or "*"
    description: Optional[str]
    status: str  # "enabled" or "disabled"
    metadata: ShikaObject
    # The signing secret ("whsec_…"): only in the answers to create and roll_secret.
    secret: str
    created_at: str
    updated_at: str


# `object` value -> class. A kind not listed here stays a plain ShikaObject, fields and all.
OBJECT_CLASSES: Dict[str, Type[ShikaObject]] = {
    "customer": Customer,
    "payment": Payment,
    "subscription": Subscription,
    "event": Event,
    "webhook_endpoint": WebhookEndpoint,
}


def convert(value: Any) -> Any:
    """JSON values to API objects: dicts become ShikaObjects (typed by their `object` field),
    lists are converted item by item, everything else is returned as is."""
    if isinstance(value, ShikaObject):
        return value
    if isinstance(value, dict):
        cls: Type[ShikaObject] = ShikaObject
        if value.get("deleted") is True:
            cls = DeletedObject
        elif isinstance(value.get("object"), str):
            cls = OBJECT_CLASSES.get(value["object"], ShikaObject)
        return cls(value)
    if isinstance(value, list):
        return [convert(item) for item in value]
    return value


T = TypeVar("T", bound=ShikaObject)

# Fetches one page of the same list with these query parameters (cursor included).
PageFetcher = Callable[[Dict[str, Any]], "ListObject[T]"]
# Fetches one page of the same search with these query parameters (`page` included).
SearchPageFetcher = Callable[[Dict[str, Any]], "SearchResultObject[T]"]


class _Page(Generic[T]):
    """What a page of a list and a page of a search share: the page's fields as sent (unknown
    ones readable too), `data`, `has_more`, `url`, and iteration over every page from this one
    on, each fetched only when the loop reaches it (`_next` says how)."""

    __slots__ = ("_page", "_params")

    def __init__(self, values: Mapping[str, Any], params: Optional[Mapping[str, Any]]) -> None:
        self._page = ShikaObject(values)
        self._params: Dict[str, Any] = dict(params or {})

    @property
    def data(self) -> List[T]:
        """The objects of this page, in the API's order."""
        data: List[T] = self._page.get("data", [])
        return data

    @property
    def has_more(self) -> bool:
        """Whether more objects lie beyond this page in the direction of travel."""
        return bool(self._page.get("has_more", False))

    @property
    def url(self) -> str:
        """The path asked, e.g. `/v1/customers`."""
        return str(self._page.get("url", ""))

    def __getitem__(self, key: str) -> Any:
        return self._page[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._page

    def __getattr__(self, name: str) -> Any:
        # Fields of the page that this version does not know about, as for ShikaObject.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._page, name)

    def get(self, key: str, default: Any = None) -> Any:
        return self._page.get(key, default)

    def keys(self) -> List[str]:
        return list(self._page.keys())

    def to_dict(self) -> Dict[str, Any]:
        """This page as plain dicts and lists."""
        return self._page.to_dict()

    def _next(self) -> Optional[_Page[T]]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[T]:
        page: Optional[_Page[T]] = self
        while page is not None:
            yield from page.data
            page = page._next()

    def __str__(self) -> str:
        return str(self._page)


class ListObject(_Page[T]):
    """One page of a list (`object`, `data`, `has_more`, `url`), iterable over the whole list.

    `page.data` is this page only. `for item in page` yields every object of the list, this
    page's first, fetching further pages only when the loop reaches them: older ones
    (`starting_after` = the last id) or, when the list was asked for with `ending_before`, newer
    ones (`ending_before` = the first id), each page in the API's order (newest first). Each new
    loop starts again from this page.
    """

    __slots__ = ("_fetch",)

    def __init__(
        self,
        values: Mapping[str, Any],
        params: Optional[Mapping[str, Any]] = None,
        fetch: Optional[PageFetcher[T]] = None,
    ) -> None:
        super().__init__(values, params)
        self._fetch = fetch

    @property
    def object(self) -> str:
        """Always `"list"`."""
        return str(self._page.get("object", "list"))

    @property
    def _backwards(self) -> bool:
        return (
            self._params.get("ending_before") is not None
            and self._params.get("starting_after") is None
        )

    def next_page(self) -> Optional[ListObject[T]]:
        """The page after this one in the direction of travel, or None at the end."""
        data = self.data
        if not self.has_more or not data or self._fetch is None:
            return None
        params = dict(self._params)
        if self._backwards:
            params["ending_before"] = data[0]["id"]
        else:
            params.pop("ending_before", None)
            params["starting_after"] = data[-1]["id"]
        return self._fetch(params)

    def _next(self) -> Optional[ListObject[T]]:
        return self.next_page()

    def __repr__(self) -> str:
        ids = [item.get("id") for item in self.data]
        return f"ListObject(url={self.url!r}, data={ids!r}, has_more={self.has_more!r})"


class SearchResultObject(_Page[T]):
    """One page of a search (`object`, `data`, `has_more`, `next_page`, `url`), iterable over
    every match.

    `page.data` is this page only. `for item in page` yields every match of the search, this
    page's first, newest first, fetching each further page only when the loop reaches it: the
    same query and limit with `page` = the previous answer's `next_page` (as stripe-python's
    `SearchResultObject`). Each new loop starts again from this page.
    """

    __slots__ = ("_fetch",)

    def __init__(
        self,
        values: Mapping[str, Any],
        params: Optional[Mapping[str, Any]] = None,
        fetch: Optional[SearchPageFetcher[T]] = None,
    ) -> None:
        super().__init__(values, params)
        self._fetch = fetch

    @property
    def object(self) -> str:
        """Always `"search_result"`."""
        return str(self._page.get("object", "search_result"))

    @property
    def next_page(self) -> Optional[str]:
        """The token that asks for the page after this one (as `page=`); None on the last."""
        token = self._page.get("next_page")
        return token if isinstance(token, str) and token else None

    def next_search_result_page(self) -> Optional[SearchResultObject[T]]:
        """The page after this one, or None at the end."""
        token = self.next_page
        if not self.has_more or token is None or self._fetch is None:
            return None
        return self._fetch({**self._params, "page": token})

    def _next(self) -> Optional[SearchResultObject[T]]:
        return self.next_search_result_page()

    def __repr__(self) -> str:
        ids = [item.get("id") for item in self.data]
        return (
            f"SearchResultObject(url={self.url!r}, data={ids!r}, has_more={self.has_more!r}, "
            f"next_page={self.next_page!r})"
        )
