"""``ecdsa-sd-2023`` interop with @digitalbazaar/ecdsa-sd-2023-cryptosuite: each of issuer,
holder and verifier on either side."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import microcred as mc
from microcred import keys

from .conftest import NodeStack
from .test_di_interop import CREATED, documents, microcredential, node_key

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
DI_V2 = "https://w3id.org/security/data-integrity/v2"
SUITE = "ecdsa-sd-2023"
KEY = keys.generate("P-256")
VOCAB = {"@vocab": "https://example.org/microcred-interop#"}


def _credential(version: str) -> dict[str, Any]:
    subject = {
        "id": "did:example:learner",
        "name": "Alma Andersson",
        "achievements": [
            {"code": "DA101", "grade": "VG", "credits": 7.5},
            {"code": "DA102", "grade": "G", "credits": 5},
            {"code": "DA103", "grade": "VG", "credits": 2.5},
        ],
        "degree": {"level": 6, "field": "Informatics"},
    }
    if version == "1.1":
        return {
            "@context": [VC_V1, DI_V2, VOCAB],
            "type": ["VerifiableCredential"],
            "issuer": KEY.did,
            "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": subject,
        }
    return {
        "@context": [VC_V2, VOCAB],
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": subject,
    }


#: VC 1.1 requires issuanceDate: a disclosure without it is not a valid credential
MANDATORY = {
    "1.1": ["/issuer", "/issuanceDate", "/credentialSubject/degree"],
    "2.0": ["/issuer", "/credentialSubject/degree"],
}
SELECTIVE = ["/credentialSubject/achievements/1", "/credentialSubject/name"]
VERSIONS = ["1.1", "2.0"]


def _node_issue(node: NodeStack, credential: dict[str, Any], version: str) -> dict[str, Any]:
    answer = node.request(
        {
            "op": "sign",
            "suite": SUITE,
            "key": node_key(KEY),
            "document": credential,
            "created": CREATED,
            "mandatoryPointers": MANDATORY[version],
            "documents": documents(KEY, SUITE),
        }
    )
    signed: dict[str, Any] = answer["signed"]
    return signed


def _node_derive(node: NodeStack, base: dict[str, Any], pointers: list[str]) -> dict[str, Any]:
    answer = node.request(
        {
            "op": "derive",
            "credential": base,
            "selectivePointers": pointers,
            "documents": documents(KEY, SUITE),
        }
    )
    derived: dict[str, Any] = answer["derived"]
    return derived


def _node_verifies(node: NodeStack, credential: dict[str, Any]) -> tuple[bool, str | None]:
    answer = node.request(
        {
            "op": "verify",
            "suites": [SUITE],
            "credential": credential,
            "documents": documents(KEY, SUITE),
        }
    )
    return bool(answer["verified"]), answer.get("error")


def _ours_verifies(credential: dict[str, Any]) -> bool:
    report = mc.verify(credential)
    assert report.verified or report.outcome == "invalid", report
    return report.verified


def _disclosed(derived: dict[str, Any]) -> dict[str, Any]:
    subject: dict[str, Any] = derived["credentialSubject"]
    return subject


@pytest.mark.parametrize("version", VERSIONS)
def test_microcred_issues_node_derives_both_verify(node_stack: NodeStack, version: str) -> None:
    base = mc.issue(
        _credential(version),
        KEY,
        suite=SUITE,
        mandatory_pointers=MANDATORY[version],
        created=CREATED,
    )
    derived = _node_derive(node_stack, base, SELECTIVE)
    assert _disclosed(derived)["achievements"] == [{"code": "DA102", "grade": "G", "credits": 5}]
    assert _node_verifies(node_stack, derived) == (True, None)
    assert _ours_verifies(derived)


@pytest.mark.parametrize("version", VERSIONS)
def test_node_issues_microcred_derives_both_verify(node_stack: NodeStack, version: str) -> None:
    base = _node_issue(node_stack, _credential(version), version)
    derived = mc.derive(base, SELECTIVE)
    assert _disclosed(derived)["name"] == "Alma Andersson"
    assert _node_verifies(node_stack, derived) == (True, None)
    assert _ours_verifies(derived)


@pytest.mark.parametrize("version", VERSIONS)
def test_node_issues_and_derives_microcred_verifies(node_stack: NodeStack, version: str) -> None:
    base = _node_issue(node_stack, _credential(version), version)
    derived = _node_derive(node_stack, base, SELECTIVE)
    assert _ours_verifies(derived)


@pytest.mark.parametrize("version", VERSIONS)
def test_microcred_issues_and_derives_node_verifies(node_stack: NodeStack, version: str) -> None:
    base = mc.issue(_credential(version), KEY, suite=SUITE, mandatory_pointers=MANDATORY[version])
    derived = mc.derive(base, SELECTIVE)
    assert _node_verifies(node_stack, derived) == (True, None)


def test_both_sides_derive_the_same_disclosure(node_stack: NodeStack) -> None:
    base = mc.issue(_credential("2.0"), KEY, suite=SUITE, mandatory_pointers=MANDATORY["2.0"])
    ours = mc.derive(base, SELECTIVE)
    theirs = _node_derive(node_stack, base, SELECTIVE)
    assert ours == theirs


def test_a_micro_credential_in_open_badges_3(node_stack: NodeStack) -> None:
    """An OB 3.0 micro-credential: its ResultDescription's ``allowedValue`` is an RDF list.
    microcred issues and derives it (disclosed or not), the reference stack verifies. (The
    reference stack's own issuing and deriving stop on such a list: its skolemization gives
    the list object an ``@id``, which JSON-LD forbids.)"""
    base = mc.issue(
        microcredential(KEY.did),
        KEY,
        suite=SUITE,
        mandatory_pointers=["/issuer", "/credentialSubject/achievement"],
    )
    assert base["credentialSubject"]["achievement"]["resultDescription"][0]["allowedValue"]
    for pointers in (["/credentialSubject/result/0"], []):
        derived = mc.derive(base, pointers)
        assert _node_verifies(node_stack, derived) == (True, None), pointers
        assert _ours_verifies(derived)


@pytest.mark.parametrize("side", ["microcred", "node"])
def test_a_changed_disclosure_is_rejected_by_both(node_stack: NodeStack, side: str) -> None:
    base = mc.issue(_credential("2.0"), KEY, suite=SUITE, mandatory_pointers=MANDATORY["2.0"])
    derived = (
        mc.derive(base, SELECTIVE)
        if side == "microcred"
        else _node_derive(node_stack, base, SELECTIVE)
    )
    for change in ("name", "degree"):
        tampered = copy.deepcopy(derived)
        if change == "name":
            tampered["credentialSubject"]["name"] = "Someone Else"
        else:
            tampered["credentialSubject"]["degree"]["level"] = 8
        verified, error = _node_verifies(node_stack, tampered)
        assert verified is False, change
        assert error
        assert not _ours_verifies(tampered), change
