"""The package as installed: imported from the installation (not from src/), typed (py.typed),
and working on the oldest Python it supports (3.9) when that interpreter is on the machine."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Optional

import pytest

import shikacreators

from support import BASE_URL, new_merchant

PACKAGE = Path(shikacreators.__file__).resolve().parent
SOURCE = Path(__file__).resolve().parents[1] / "src"


def test_tests_run_against_the_installed_package() -> None:
    assert SOURCE not in PACKAGE.parents, f"imported from the source tree: {PACKAGE}"
    assert (PACKAGE / "py.typed").is_file()
    assert "site-packages" in PACKAGE.parts


def python39() -> Optional[str]:
    candidates = [os.environ.get("SHIKA_PYTHON39", ""), shutil.which("python3.9") or ""]
    candidates += sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.9*/bin/python3.9")))
    for candidate in candidates:
        if (
            candidate
            and subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0
        ):
            return candidate
    return None


def test_works_on_python_3_9(tmp_path: Path) -> None:
    interpreter = python39()
    if interpreter is None:
        pytest.skip("no Python 3.9 interpreter on this machine")
    shutil.copytree(
        PACKAGE, tmp_path / "shikacreators", ignore=shutil.ignore_patterns("__pycache__")
    )
    script = textwrap.dedent(
        """
        import base64, hashlib, hmac, os, sys, time, shikacreators
        assert sys.version_info[:2] == (3, 9)
        client = shikacreators.Client(os.environ["KEY"])
        made = [
            client.customers.create(email="py39@example.com", metadata={"n": str(i)}).id
            for i in range(3)
        ]
        assert [c.id for c in client.customers.list(limit=2)] == made[::-1]
        assert client.customers.retrieve(made[0]).metadata.n == "0"
        try:
            client.customers.create(email="nope")
        except shikacreators.InvalidRequestError as error:
            assert error.param == "email"
        assert len(list(client.events.list(type="customer.*", limit=2))) == 3
        key = b"k" * 24
        body = b'{"id":"evt_1","object":"event","data":{"object":{"object":"customer"}}}'
        at = str(int(time.time()))
        digest = hmac.new(key, b"evt_1." + at.encode() + b"." + body, hashlib.sha256).digest()
        headers = {
            "Webhook-Id": "evt_1",
            "Webhook-Timestamp": at,
            "Webhook-Signature": "v1," + base64.b64encode(digest).decode(),
        }
        secret = "whsec_" + base64.b64encode(key).decode()
        event = shikacreators.Webhook.construct_event(body, headers, secret)
        assert type(event.data.object) is shikacreators.Customer
        try:
            shikacreators.Webhook.construct_event(body + b" ", headers, secret)
        except shikacreators.SignatureVerificationError as error:
            assert "No signature" in error.message
        else:
            raise AssertionError("a tampered body was accepted")
        print("ok")
        """
    )
    result = subprocess.run(
        [interpreter, "-W", "error", "-B", "-c", script],
        env={
            **os.environ,
            "PYTHONPATH": str(tmp_path),
            "KEY": new_merchant()["test_secret_key"],
            "SHIKA_BASE_URL": BASE_URL,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert sys.version_info >= (3, 9)
