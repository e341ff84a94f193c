"""Data Integrity interop with @digitalbazaar/vc, both directions, for every suite."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import pytest

import microcred as mc
from microcred import keys

from .conftest import STANDARDS_BENCH, NodeStack, contexts_for_node

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREATED = "2024-07-01T00:00:00Z"

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
    return {
        "@context": [VC_V2, OB_303],
        "id": "urn:uuid:5b0f0b3c-4d2e-4b8a-9a57-0c2a1f6c9e01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Grundläggande maskininlärning",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Exempeluniversitetet"},
        "validFrom": "2024-06-12T10:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:3f0a3c55-5f1f-4d1e-8b43-d7d0b6f2a001",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "DA123A Introduction to machine learning",
                "description": "7.5 ECTS credits, first cycle (EQF 6).",
                "criteria": {"narrative": "Passed the written examination."},
                "creditsAvailable": 7.5,
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "EQF level 6",
                        "targetUrl": "http://data.europa.eu/snb/eqf/6",
                        "targetType": "ext:EQF",
                    }
                ],
            },
            "result": [{"type": ["Result"], "value": "VG"}],
        },
    }


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
        report = mc.verify(answer["signed"], suites=[suite])
        assert report.verified, (name, [c for c in report.failed])


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
        assert ours["proof"]["proofValue"] == theirs["proof"]["proofValue"], suite


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
