"""The one table of API operations: which resource method sends which HTTP method to which path.

The resource classes look their requests up here, and the OpenAPI coverage test compares this
table with the server's document, so an operation can neither be missing nor invented. A new
resource is a few rows here plus its class in `_resources.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Tuple
from urllib.parse import quote

__all__ = ["Operation", "OPERATIONS", "operation"]


@dataclass(frozen=True)
class Operation:
    resource: str  # the client attribute: client.customers
    name: str  # the method: client.customers.list_payments
    http_method: str
    path: str  # a template as in the OpenAPI document: /v1/customers/{id}

    def path_for(self, *ids: str) -> str:
        """The path with each `{…}` replaced, in order, by a URL-quoted id."""
        names = re.findall(r"\{(\w+)\}", self.path)
        if len(ids) != len(names):
            raise TypeError(f"{self.resource}.{self.name} takes {len(names)} id(s)")
        path = self.path
        for name, value in zip(names, ids):
            if not isinstance(value, str) or not value.strip():
                # An empty id would silently address a different endpoint (the list).
                raise ValueError(
                    f"{self.resource}.{self.name}: {name} must be a non-empty string, not {value!r}"
                )
            path = path.replace("{" + name + "}", quote(value, safe=""), 1)
        return path


OPERATIONS: Tuple[Operation, ...] = (
    Operation("customers", "create", "POST", "/v1/customers"),
    Operation("customers", "retrieve", "GET", "/v1/customers/{id}"),
    Operation("customers", "update", "PATCH", "/v1/customers/{id}"),
    Operation("customers", "delete", "DELETE", "/v1/customers/{id}"),
    Operation("customers", "list", "GET", "/v1/customers"),
    Operation("customers", "search", "GET", "/v1/customers/search"),
    Operation("customers", "list_payments", "GET", "/v1/customers/{id}/payments"),
    Operation("customers", "list_subscriptions", "GET", "/v1/customers/{id}/subscriptions"),
    Operation("payments", "create", "POST", "/v1/payments"),
    Operation("payments", "retrieve", "GET", "/v1/payments/{id}"),
    Operation("payments", "list", "GET", "/v1/payments"),
    Operation("subscriptions", "create", "POST", "/v1/subscriptions"),
    Operation("subscriptions", "retrieve", "GET", "/v1/subscriptions/{id}"),
    Operation("subscriptions", "cancel", "DELETE", "/v1/subscriptions/{id}"),
    Operation("subscriptions", "list", "GET", "/v1/subscriptions"),
    Operation("events", "retrieve", "GET", "/v1/events/{id}"),
    Operation("events", "list", "GET", "/v1/events"),
    Operation("webhook_endpoints", "create", "POST", "/v1/webhook_endpoints"),
    Operation("webhook_endpoints", "retrieve", "GET", "/v1/webhook_endpoints/{id}"),
    Operation("webhook_endpoints", "update", "PATCH", "/v1/webhook_endpoints/{id}"),
    Operation("webhook_endpoints", "delete", "DELETE", "/v1/webhook_endpoints/{id}"),
    Operation("webhook_endpoints", "list", "GET", "/v1/webhook_endpoints"),
    Operation("webhook_endpoints", "roll_secret", "POST", "/v1/webhook_endpoints/{id}/roll_secret"),
)

_BY_NAME: Dict[Tuple[str, str], Operation] = {(op.resource, op.name): op for op in OPERATIONS}


def operation(resource: str, name: str) -> Operation:
    return _BY_NAME[(resource, name)]
