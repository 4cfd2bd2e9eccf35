"""The seed's Python snippets (fixtures/seed_snippets.txt), run as written with `client` bound,
in the order create, retrieve, update, list, payments list, subscriptions list, delete; and a
check that the fixture still is the seed's text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import shikacreators

from support import new_merchant

FIXTURE = Path(__file__).parent / "fixtures" / "seed_snippets.txt"
PLACEHOLDER = "cus_abc123def456"
REPO = Path(__file__).resolve().parents[3]


def snippets() -> Dict[str, str]:
    found: Dict[str, str] = {}
    name: Optional[str] = None
    lines: List[str] = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#### "):
            if name:
                found[name] = "\n".join(lines) + "\n"
            name, lines = line[5:].strip(), []
        elif name:
            lines.append(line)
    if name:
        found[name] = "\n".join(lines) + "\n"
    return found


def seed_file() -> Optional[Path]:
    # The seed is not in the repository: it sits in shared/ beside the checkout (as in CI).
    candidates = [
        os.environ.get("SHIKA_SEED_FILE", ""),
        str(REPO.parent / "shared/seed/customers-api.txt"),
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def without_indentation(text: str) -> str:
    return "\n".join(line.lstrip() for line in text.splitlines())


def test_the_fixture_is_the_seeds_text() -> None:
    seed = seed_file()
    if seed is None:
        pytest.skip("the seed (shared/seed/customers-api.txt) is not beside this checkout")
    text = without_indentation(seed.read_text(encoding="utf-8"))
    found = snippets()
    assert list(found) == [
        "create",
        "retrieve",
        "update",
        "delete",
        "list",
        "payments",
        "subscriptions",
    ]
    positions = []
    for name, code in found.items():
        position = text.find(without_indentation(code).strip())
        assert position >= 0, f"the {name} snippet is not in the seed as written"
        positions.append(position)
    assert positions == sorted(positions), "the snippets are not in the seed's order"


def test_the_seed_snippets_run_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    client = shikacreators.Client(new_merchant()["test_secret_key"])  # base URL: SHIKA_BASE_URL
    # Enough older customers that the snippet's loop crosses a page (the default limit is 10).
    older = [client.customers.create(name=f"Older {i}").id for i in range(11)]
    found = snippets()
    scope: Dict[str, Any] = {"client": client}

    def run(name: str, customer_id: Optional[str] = None) -> None:
        code = found[name]
        if customer_id is not None:
            # The one substitution: the seed's placeholder id becomes the id of the customer the
            # create snippet just made.
            code = code.replace(PLACEHOLDER, customer_id)
        exec(compile(code, f"seed:{name}", "exec"), scope)

    run("create")
    customer = scope["customer"]
    assert isinstance(customer, shikacreators.Customer)
    assert (customer.email, customer.name, customer.phone) == (
        "customer@example.com",
        "John Doe",
        "0241234567",
    )
    assert customer.metadata.to_dict() == {"user_id": "123"}
    made = customer.id
    payments = [client.payments.create(amount=2500, customer=made).id for _ in range(2)]
    subscription = client.subscriptions.create(customer=made, amount=1000, interval="month").id

    run("retrieve", made)
    assert scope["customer"] == customer

    run("update", made)
    updated = scope["customer"]
    assert updated.id == made and updated.name == "Jane Doe"
    assert updated.metadata.to_dict() == {"user_id": "123", "vip": "true"}
    assert client.customers.retrieve(made).name == "Jane Doe"

    capsys.readouterr()
    run("list", made)
    printed = capsys.readouterr().out.split()
    page = scope["customers"]
    assert isinstance(page, shikacreators.ListObject)
    assert len(page.data) == 10 and page.has_more is True
    assert printed == [made] + list(reversed(older))

    run("payments", made)
    assert [p.id for p in scope["payments"].data] == list(reversed(payments))
    run("subscriptions", made)
    assert [s.id for s in scope["subscriptions"].data] == [subscription]

    run("delete", made)
    deleted = scope["deleted"]
    assert deleted.to_dict() == {"id": made, "object": "customer", "deleted": True}
    with pytest.raises(shikacreators.InvalidRequestError):
        client.customers.retrieve(made)
    assert client.subscriptions.retrieve(subscription).status == "canceled"
    client.close()
