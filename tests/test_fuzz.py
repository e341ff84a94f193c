"""Every parser fed random input through the public API: only microcred's own errors (or a
report), never another exception, and never more than 2 s for one input."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microcred as mc
from microcred import keys, status
from microcred.errors import MicrocredError
from microcred.jose import decode_unverified
from microcred.keys._multikey import decode_multikey

FUZZ = settings(max_examples=300, deadline=2000)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _b64json(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


_base58 = st.text(
    alphabet="123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", max_size=80
)


def _only_our_errors(call: Any, *args: Any) -> None:
    with contextlib.suppress(MicrocredError):
        call(*args)


@FUZZ
@given(value=st.one_of(st.text(max_size=80), _base58.map(lambda s: "z" + s)))
def test_multibase_multicodec(value: str) -> None:
    _only_our_errors(decode_multikey, value)
    _only_our_errors(keys.KeyPair.from_multikey, value)


@FUZZ
@given(
    jwk=st.one_of(
        _json_values,
        st.fixed_dictionaries(
            {
                "kty": st.sampled_from(["OKP", "EC", "RSA", "oct", ""]),
                "crv": st.sampled_from(["Ed25519", "P-256", "P-384", "X25519", ""]),
            },
            optional={name: st.text(max_size=60) for name in ("x", "y", "d", "n", "e", "kid")},
        ),
    )
)
def test_jwk(jwk: Any) -> None:
    _only_our_errors(keys.KeyPair.from_jwk, jwk)


@FUZZ
@given(
    did=st.one_of(
        st.text(max_size=80),
        st.builds(
            lambda m, s: f"did:{m}:{s}",
            st.sampled_from(["key", "jwk", "web"]),
            st.text(max_size=80),
        ),
        _base58.map(lambda s: "did:key:z" + s),
    )
)
def test_did(did: str) -> None:
    resolver = keys.default_resolver()  # offline: did:web cannot be fetched
    _only_our_errors(resolver.resolve, did)
    _only_our_errors(keys.dereference, did + "#x", resolver)


@FUZZ
@given(
    token=st.one_of(
        st.text(max_size=200),
        st.lists(st.text(alphabet=B64URL, max_size=60), min_size=3, max_size=3).map(".".join),
        _json_values.map(lambda v: ".".join(_b64json(v) for _ in range(3))),
    )
)  # fmt: skip
def test_jwt(token: str) -> None:
    _only_our_errors(decode_unverified, token)
    report = mc.verify(token) if token.strip() else None
    assert report is None or not report.verified


@FUZZ
@given(encoded=st.one_of(st.text(max_size=100), st.binary(max_size=200).map(
    lambda b: "u" + base64.urlsafe_b64encode(b).decode().rstrip("="))))  # fmt: skip
def test_bitstring(encoded: str) -> None:
    _only_our_errors(status.decode_list, encoded)


@FUZZ
@given(proof=_json_values)
def test_proof_objects_in_a_credential(proof: Any) -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:learner"},
        "proof": proof,
    }
    report = mc.verify(credential)
    assert not report.verified
    # what decides is the proof: no proof at all (``proof``) or one that is not of a known
    # suite (``proof.suite``), never an internal error
    failed = {c.id for c in report.checks if c.status in ("failed", "error")}
    assert failed
    assert all(c == "proof" or c.startswith("proof.") for c in failed), failed


@pytest.mark.parametrize("value", ["", " ", "{}", "[]", "null", "0", '"x"', "a.b", "a.b.c", "\x00"])
def test_edge_inputs_give_a_report(value: str) -> None:
    report = mc.verify(value)
    assert report.outcome in ("invalid", "indeterminate")
    assert report.failed
