"""Data Integrity interop with @digitalbazaar/vc, both directions, for every suite."""

from __future__ import annotations

import copy
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import microcred as mc
from microcred import keys
from microcred.model import EU_CONTEXT, MicroCredential
from microcred.testing import controller_document

from .conftest import STANDARDS_BENCH, NodeStack, contexts_for_node

VC_V2 = "https://www.w3.org/ns/credentials/v2"
CREATED = "2024-07-01T00:00:00Z"
ROOT = Path(__file__).resolve().parents[2]

SUITES = [
    ("eddsa-rdfc-2022", "Ed25519"),
    ("eddsa-jcs-2022", "Ed25519"),
    ("ecdsa-rdfc-2019", "P-256"),
    ("ecdsa-rdfc-2019", "P-384"),
    ("ecdsa-jcs-2019", "P-256"),
    ("Ed25519Signature2020", "Ed25519"),
]


@cache
def key_of(key_type: str) -> keys.KeyPair:
    return keys.generate(key_type)


def microcredential(issuer: str) -> dict[str, Any]:
    """The example Annex I form as OB 3.0, with microcred's EU extension context (the Node
    loader is given every context microcred ships, that one included)."""
    form = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
    form.update(issued="2024-06-12T10:00:00Z", awarded="2024-06-10")
    form["learner"]["id"] = "did:example:learner"
    micro = MicroCredential.model_validate(form)
    document = micro.to_ob3(
        issuer_id=issuer,
        credential_id="urn:uuid:5b0f0b3c-4d2e-4b8a-9a57-0c2a1f6c9e01",
        salt="00112233445566778899aabbccddeeff",
        today=date(2026, 11, 25),
    ).to_json()
    assert EU_CONTEXT in document["@context"]
    return document


def inputs(issuer: str) -> list[tuple[str, dict[str, Any]]]:
    found = [("microcredential", microcredential(issuer))]
    for size in ("small", "medium", "large"):
        path = STANDARDS_BENCH / f"{size}.json"
        if path.exists():
            doc = json.loads(path.read_text())
            doc.pop("proof", None)
            doc["issuer"] = (
                {**doc["issuer"], "id": issuer} if isinstance(doc["issuer"], dict) else issuer
            )
            found.append((size, doc))
    return found


def documents(key: keys.KeyPair, suite: str) -> dict[str, Any]:
    docs = contexts_for_node()
    vm_type = "Ed25519VerificationKey2020" if suite == "Ed25519Signature2020" else "Multikey"
    docs[key.did] = keys.did_key_document(key.did, vm_type=vm_type)
    return docs


@cache
def _bench_resolver() -> keys.StaticResolver:
    path = STANDARDS_BENCH / "test-vector-key.json"
    if not path.exists():
        return keys.StaticResolver([])
    key = json.loads(path.read_text())
    return keys.StaticResolver(
        [controller_document(key["verificationMethod"], key["publicKeyMultibase"])]
    )


def node_key(key: keys.KeyPair) -> dict[str, Any]:
    return {
        "id": key.verification_method,
        "controller": key.did,
        "keyType": key.key_type,
        "publicKeyMultibase": key.public_multikey(),
        "secretKeyMultibase": key.secret_multikey(),
    }


def prepared(doc: dict[str, Any], suite: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    if suite == "Ed25519Signature2020":
        doc["@context"] = [*doc["@context"], "https://w3id.org/security/suites/ed25519-2020/v1"]
    return doc


@pytest.mark.parametrize(("suite", "key_type"), SUITES, ids=[f"{s}-{k}" for s, k in SUITES])
def test_microcred_signs_node_verifies(node_stack: NodeStack, suite: str, key_type: str) -> None:
    key = key_of(key_type)
    for name, doc in inputs(key.did):
        signed = mc.issue(prepared(doc, suite), key, suite=suite, created=CREATED)
        answer = node_stack.request(
            {
                "op": "verify",
                "suites": [suite],
                "credential": signed,
                "documents": documents(key, suite),
            }
        )
        assert answer["verified"], (name, answer.get("error"))


@pytest.mark.parametrize(("suite", "key_type"), SUITES, ids=[f"{s}-{k}" for s, k in SUITES])
def test_node_signs_microcred_verifies(node_stack: NodeStack, suite: str, key_type: str) -> None:
    key = key_of(key_type)
    for name, doc in inputs(key.did):
        answer = node_stack.request(
            {
                "op": "sign",
                "suite": suite,
                "key": node_key(key),
                "document": prepared(doc, suite),
                "created": CREATED,
                "documents": documents(key, suite),
            }
        )
        # a CLR's nested credentials are verified too: they are signed with the OB 3.0 spec's
        # test key, whose controller document the test supplies
        report = mc.verify(
            answer["signed"], suites=sorted({suite, "eddsa-rdfc-2022"}), resolver=_bench_resolver()
        )
        assert report.verified, (name, [c for c in report.failed])
        outer = report.check("proof.suite")
        assert outer is not None
        assert outer.message.startswith(suite), outer


def test_deterministic_suites_give_identical_proofs(node_stack: NodeStack) -> None:
    key = key_of("Ed25519")
    doc = microcredential(key.did)
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        ours = mc.issue(doc, key, suite=suite, created=CREATED)
        theirs = node_stack.request(
            {
                "op": "sign",
                "suite": suite,
                "key": node_key(key),
                "document": doc,
                "created": CREATED,
                "documents": documents(key, suite),
            }
        )["signed"]
        theirs_proof = theirs["proof"][0] if isinstance(theirs["proof"], list) else theirs["proof"]
        assert ours["proof"][0]["proofValue"] == theirs_proof["proofValue"], suite


def test_node_rejects_what_it_should(node_stack: NodeStack) -> None:
    """Negative control: the harness really verifies (a tampered credential fails in Node)."""
    key = key_of("Ed25519")
    signed = mc.issue(microcredential(key.did), key, created=CREATED)
    signed["credentialSubject"]["result"][0]["value"] = "U"
    answer = node_stack.request(
        {
            "op": "verify",
            "suites": ["eddsa-rdfc-2022"],
            "credential": signed,
            "documents": documents(key, "eddsa-rdfc-2022"),
        }
    )
    assert answer["verified"] is False
