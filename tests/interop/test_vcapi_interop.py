"""A ``vc+jwt`` that a real ``microcred serve`` process issued, verified by the reference
JavaScript stack (panva/jose ``jwtVerify``) with the key the service's own
``GET /identifiers/{did}`` resolves (VC JOSE-COSE 1.0 §3.1.1: the payload is the credential,
``typ`` ``vc+jwt``). Skipped with a stated reason without Node.js/npm (see ``conftest.py``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

import microcred as mc

from .conftest import NodeStack
from .test_di_interop import microcredential

pytest.importorskip("uvicorn", reason="the [server] extra is not installed")


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred.cli", "serve", "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    try:
        for _ in range(50):
            entry = json.loads(process.stderr.readline() or "{}")
            if entry.get("event") == "listening":
                yield str(entry["url"])
                break
        else:
            raise AssertionError("the service did not log 'listening'")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def _call(url: str, body: dict[str, Any] | None = None, accept: str = "application/json") -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", accept)
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


def test_node_verifies_a_vc_jwt_the_service_issued(node_stack: NodeStack, served: str) -> None:
    issuer = _call(f"{served}/issuers")["issuers"][0]["issuer"]
    credential = microcredential(issuer)
    issued = _call(f"{served}/vc-jwt/credentials/issue", {"credential": credential})
    envelope = issued["verifiableCredential"]
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    token = envelope["id"].removeprefix("data:application/vc+jwt,")
    document = _call(f"{served}/identifiers/{issuer}", accept="application/did+json")
    multikey = document["verificationMethod"][0]["publicKeyMultibase"]
    public_jwk = mc.keys.KeyPair.from_multikey(multikey).public_jwk()
    answer = node_stack.request(
        {"op": "jwt-verify", "token": token, "jwk": public_jwk, "algorithms": ["EdDSA"]}
    )
    assert answer["verified"], answer.get("error")
    assert answer["protectedHeader"]["typ"] == "vc+jwt"
    assert answer["payload"] == credential
