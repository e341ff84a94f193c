"""JWT interop with panva/jose: tokens made by microcred verify in Node, and vice versa."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cache
from typing import Any

import pytest

import microcred as mc
from microcred import keys

from .conftest import NodeStack
from .test_di_interop import microcredential

ALGS = [
    ("RS256", "RSA"),
    ("RS384", "RSA"),
    ("RS512", "RSA"),
    ("PS256", "RSA"),
    ("ES256", "P-256"),
    ("ES384", "P-384"),
    ("EdDSA", "Ed25519"),
]
NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


@cache
def key_of(key_type: str) -> keys.KeyPair:
    return keys.generate(key_type, did_method="jwk" if key_type == "RSA" else "key")


def private_jwk(key: keys.KeyPair) -> dict[str, Any]:
    return {k: v for k, v in key.private_jwk().items() if k != "kid"}


@pytest.mark.parametrize(("alg", "key_type"), ALGS, ids=[a for a, _ in ALGS])
@pytest.mark.parametrize("form", ["vc-jwt", "vc+jwt"])
def test_microcred_tokens_verify_in_node(
    node_stack: NodeStack, alg: str, key_type: str, form: str
) -> None:
    key = key_of(key_type)
    credential = microcredential(key.did)
    token = mc.issue(credential, key, format="jwt", jwt_form=form, algorithm=alg)
    answer = node_stack.request(
        {
            "op": "jwt-verify",
            "token": token,
            "jwk": key.public_jwk(),
            "algorithms": [alg],
            "now": NOW.isoformat(),
        }
    )
    assert answer["verified"], answer.get("error")
    payload = answer["payload"]
    carried = payload["vc"] if form == "vc-jwt" else payload
    assert carried == credential
    if form == "vc-jwt":
        assert payload["iss"] == key.did
        assert payload["jti"] == credential["id"]
        assert payload["sub"] == "did:example:learner"
        assert answer["protectedHeader"]["typ"] == "JWT"
    else:
        assert answer["protectedHeader"]["typ"] == "vc+jwt"


@pytest.mark.parametrize(("alg", "key_type"), ALGS, ids=[a for a, _ in ALGS])
def test_node_tokens_verify_in_microcred(node_stack: NodeStack, alg: str, key_type: str) -> None:
    key = key_of(key_type)
    credential = microcredential(key.did)
    nbf = int(datetime(2024, 6, 12, 10, tzinfo=timezone.utc).timestamp())
    payload = {
        "iss": key.did,
        "sub": "did:example:learner",
        "nbf": nbf,
        "jti": credential["id"],
        "vc": credential,
    }
    header = {"alg": alg, "kid": key.verification_method, "typ": "JWT"}
    token = node_stack.request(
        {
            "op": "jwt-sign",
            "alg": alg,
            "jwk": private_jwk(key),
            "header": header,
            "payload": payload,
        }
    )["token"]
    report = mc.verify(token, now=NOW)
    assert report.verified, report.failed
    assert report.format == "jwt"
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert not mc.verify(tampered, now=NOW).verified
