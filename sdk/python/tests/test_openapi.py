"""The SDK against the server's OpenAPI document: every operation has a method in the operations
table and every method an operation; the typed parameters and object classes have the
document's names; no per-request option can be mistaken for an API parameter."""

from __future__ import annotations

import inspect
import json
import re
import urllib.request
from typing import Any, Dict, Iterator, Set, Tuple

import pytest

import shikacreators
from shikacreators import params as sdk_params
from shikacreators._operations import OPERATIONS, Operation
from shikacreators._resources import RESOURCES
from shikacreators.params import OPTION_NAMES

from support import BASE_URL

# GET /v1/openapi.json is this document itself: a public file (no key), not an API call on a
# resource, so the SDK has no method for it.
EXEMPT = {"get_openapi"}
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def doc() -> Dict[str, Any]:
    with urllib.request.urlopen(f"{BASE_URL}/v1/openapi.json", timeout=10) as response:
        document: Dict[str, Any] = json.load(response)
    assert document["openapi"].startswith("3.1")
    return document


def operations(doc: Dict[str, Any]) -> Iterator[Tuple[str, str, Dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def resolve(doc: Dict[str, Any], schema: Dict[str, Any]) -> Dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def documented(doc: Dict[str, Any], op: Operation) -> Dict[str, Any]:
    for method, path, operation in operations(doc):
        if (method, path) == (op.http_method, op.path):
            return operation
    raise AssertionError(f"{op.http_method} {op.path} is not in the document")


def test_every_operation_has_a_method_and_every_method_an_operation(doc: Dict[str, Any]) -> None:
    in_document = {
        (method, path): operation["operationId"]
        for method, path, operation in operations(doc)
        if operation["operationId"] not in EXEMPT
    }
    in_sdk = {(op.http_method, op.path): f"{op.resource}.{op.name}" for op in OPERATIONS}
    assert len(in_sdk) == len(OPERATIONS), "the operations table has a duplicate row"
    missing = {key: name for key, name in in_document.items() if key not in in_sdk}
    invented = {key: name for key, name in in_sdk.items() if key not in in_document}
    assert not missing, f"operations without an SDK method: {missing}"
    assert not invented, f"SDK methods the API does not have: {invented}"
    assert EXEMPT <= {operation["operationId"] for _, _, operation in operations(doc)}


def test_each_table_row_is_a_method_and_each_method_a_row() -> None:
    client = shikacreators.Client("sk_test_unused", base_url=BASE_URL)
    rows = {(op.resource, op.name) for op in OPERATIONS}
    for resource, name in rows:
        assert callable(getattr(getattr(client, resource), name)), f"{resource}.{name}"
    methods = {
        (resource, name)
        for resource, cls in RESOURCES.items()
        for name, member in vars(cls).items()
        if callable(member) and not name.startswith("_")
    }
    assert methods == rows
    assert set(RESOURCES) == {op.resource for op in OPERATIONS}


def params_class(op: Operation) -> Any:
    """The TypedDict a method's **params are typed with (annotations are strings at run time)."""
    method = getattr(RESOURCES[op.resource], op.name)
    variadic = [p for p in inspect.signature(method).parameters.values() if p.kind is p.VAR_KEYWORD]
    annotation = str(variadic[0].annotation)
    match = re.fullmatch(r"Unpack\[(\w+)\]", annotation)
    assert match, f"{op.resource}.{op.name}: **{variadic[0].name}: {annotation}"
    return getattr(sdk_params, match.group(1))


def api_parameters(doc: Dict[str, Any], op: Operation) -> Tuple[Set[str], Set[str]]:
    """The names a caller passes to this operation (query parameters with `created[gte]` as
    `created`, and JSON body fields), and the required ones."""
    operation = documented(doc, op)
    names: Set[str] = set()
    required: Set[str] = set()
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query":
            name = parameter["name"].split("[")[0]
            names.add(name)
            if parameter.get("required"):
                required.add(name)
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        schema = resolve(doc, body["schema"])
        names |= set(schema.get("properties", {}))
        required |= set(schema.get("required", []))
    return names, required


def test_typed_parameters_have_the_documents_names(doc: Dict[str, Any]) -> None:
    for op in OPERATIONS:
        cls = params_class(op)
        keys = set(cls.__annotations__)
        names, required = api_parameters(doc, op)
        assert keys - OPTION_NAMES == names, f"{op.resource}.{op.name}"
        assert set(cls.__required_keys__) == required, f"{op.resource}.{op.name}"
        assert OPTION_NAMES <= keys, f"{op.resource}.{op.name} must take the request options"


def test_the_created_filter_has_the_documents_operators(doc: Dict[str, Any]) -> None:
    operation = documented(doc, next(op for op in OPERATIONS if op.name == "list"))
    operators = {
        parameter["name"][len("created[") : -1]
        for parameter in operation["parameters"]
        if parameter["name"].startswith("created[")
    }
    assert operators == set(sdk_params.CreatedFilter.__annotations__) == {"gte", "lte", "gt", "lt"}


def test_request_options_never_clash_with_api_parameters(doc: Dict[str, Any]) -> None:
    everywhere: Set[str] = set()
    for _, _, operation in operations(doc):
        everywhere |= {p["name"].split("[")[0] for p in operation.get("parameters", [])}
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            everywhere |= set(resolve(doc, body["schema"]).get("properties", {}))
    assert everywhere, "the document lists no parameters at all"
    assert not (OPTION_NAMES & everywhere)
    assert OPTION_NAMES == {"idempotency_key", "api_key", "timeout", "max_network_retries"}


def response_schema(doc: Dict[str, Any], op: Operation) -> Dict[str, Any]:
    content = documented(doc, op)["responses"]["200"]["content"]["application/json"]
    return resolve(doc, content["schema"])


@pytest.mark.parametrize(
    "resource, name, cls",
    [
        ("customers", "retrieve", shikacreators.Customer),
        ("customers", "delete", shikacreators.DeletedObject),
        ("payments", "retrieve", shikacreators.Payment),
        ("subscriptions", "retrieve", shikacreators.Subscription),
        ("events", "retrieve", shikacreators.Event),
        ("webhook_endpoints", "retrieve", shikacreators.WebhookEndpoint),
        ("webhook_endpoints", "delete", shikacreators.DeletedObject),
    ],
)
def test_object_classes_have_the_schemas_fields(
    doc: Dict[str, Any], resource: str, name: str, cls: type
) -> None:
    op = next(op for op in OPERATIONS if (op.resource, op.name) == (resource, name))
    schema = response_schema(doc, op)
    assert set(cls.__annotations__) == set(schema["properties"])


def test_list_methods_answer_lists_of_their_class(doc: Dict[str, Any]) -> None:
    by_schema = {
        frozenset(response_schema(doc, op)["properties"]): cls
        for op, cls in (
            (next(o for o in OPERATIONS if (o.resource, o.name) == (r, "retrieve")), c)
            for r, c in (
                ("customers", shikacreators.Customer),
                ("payments", shikacreators.Payment),
                ("subscriptions", shikacreators.Subscription),
                ("events", shikacreators.Event),
                ("webhook_endpoints", shikacreators.WebhookEndpoint),
            )
        )
    }
    for op in OPERATIONS:
        if op.http_method != "GET" or op.name == "retrieve":
            continue
        page = response_schema(doc, op)
        assert {"object", "data", "has_more", "url"} <= set(page["properties"])
        # A search pages by `next_page` (a SearchResultObject), a list by object ids.
        kind = page["properties"]["object"]["enum"]
        assert kind in (["list"], ["search_result"]), op.name
        wrapper = "SearchResultObject" if kind == ["search_result"] else "ListObject"
        if wrapper == "SearchResultObject":
            assert "next_page" in page["properties"], op.name
        item = resolve(doc, page["properties"]["data"]["items"])
        hints = inspect.signature(getattr(RESOURCES[op.resource], op.name)).return_annotation
        assert hints == f"{wrapper}[{by_schema[frozenset(item['properties'])].__name__}]", op.name
