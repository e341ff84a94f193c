"""``ecdsa-sd-2023`` interop with @digitalbazaar/ecdsa-sd-2023-cryptosuite: each of issuer,
holder and verifier on either side."""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest

import microcred as mc
from microcred import keys

from .conftest import NodeStack
from .test_di_interop import CREATED, documents, microcredential, node_key

# These credentials carry an embedded context ({"@vocab": ...}): the caller opts in, as it must
# (embedded contexts are refused by default; docs/verification.md, the strict reading rule).
_issue = functools.partial(mc.issue, allow_inline_contexts=True)
_present = functools.partial(mc.present, allow_inline_contexts=True)
_verify_inline = functools.partial(mc.verify, allow_inline_contexts=True)

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
    """microcred's verdict; a success is the ecdsa-sd-2023 signature's, a failure the
    signature check's (not some unrelated check's)."""
    report = _verify_inline(credential)
    assert report.verified or report.outcome == "invalid", report
    suite, signature = report.check("proof.suite"), report.check("proof.signature")
    assert suite is not None, report
    assert suite.message.startswith(SUITE), report
    assert signature is not None, report
    if report.verified:
        assert signature.status == "passed", signature
    else:
        assert signature.status == "failed", report
    return report.verified


def _signature_failure(credential: dict[str, Any]) -> str:
    """The reason microcred's ``proof.signature`` check gives for rejecting ``credential``."""
    report = _verify_inline(credential)
    check = report.check("proof.signature")
    assert report.outcome == "invalid", report
    assert check is not None, report
    assert check.status == "failed", report
    return check.message


def _disclosed(derived: dict[str, Any]) -> dict[str, Any]:
    subject: dict[str, Any] = derived["credentialSubject"]
    return subject


def _assert_disclosure(derived: dict[str, Any], version: str) -> None:
    """Exactly the mandatory and the selected statements, nothing the holder left out."""
    assert derived["issuer"] == KEY.did
    assert derived["type"] == ["VerifiableCredential"]
    assert _disclosed(derived) == {
        "id": "did:example:learner",
        "name": "Alma Andersson",
        "achievements": [{"code": "DA102", "grade": "G", "credits": 5}],
        "degree": {"level": 6, "field": "Informatics"},
    }
    # VC 1.1's issuanceDate is mandatory; VC 2.0's validFrom is neither mandatory nor selected
    assert ("issuanceDate" in derived) == (version == "1.1")
    assert "validFrom" not in derived
    proof = derived["proof"][0] if isinstance(derived["proof"], list) else derived["proof"]
    assert proof["cryptosuite"] == SUITE
    assert proof["proofValue"].startswith("u2V0B")  # a derived proof's header (0xd9 5d 01)


def _issue_on(node: NodeStack, side: str, version: str) -> dict[str, Any]:
    """A base credential issued by ``side`` (``microcred`` or ``node``)."""
    if side == "microcred":
        return _issue(
            _credential(version),
            KEY,
            suite=SUITE,
            mandatory_pointers=MANDATORY[version],
            created=CREATED,
        )
    return _node_issue(node, _credential(version), version)


@pytest.mark.parametrize("version", VERSIONS)
def test_microcred_issues_node_derives_both_verify(node_stack: NodeStack, version: str) -> None:
    base = _issue_on(node_stack, "microcred", version)
    derived = _node_derive(node_stack, base, SELECTIVE)
    _assert_disclosure(derived, version)
    assert _node_verifies(node_stack, derived) == (True, None)
    assert _ours_verifies(derived)


@pytest.mark.parametrize("version", VERSIONS)
def test_node_issues_microcred_derives_both_verify(node_stack: NodeStack, version: str) -> None:
    base = _issue_on(node_stack, "node", version)
    derived = mc.derive(base, SELECTIVE)
    _assert_disclosure(derived, version)
    assert _node_verifies(node_stack, derived) == (True, None)
    assert _ours_verifies(derived)


@pytest.mark.parametrize("version", VERSIONS)
def test_node_issues_and_derives_microcred_verifies(node_stack: NodeStack, version: str) -> None:
    base = _issue_on(node_stack, "node", version)
    derived = _node_derive(node_stack, base, SELECTIVE)
    _assert_disclosure(derived, version)
    assert _ours_verifies(derived)


@pytest.mark.parametrize("version", VERSIONS)
def test_microcred_issues_and_derives_node_verifies(node_stack: NodeStack, version: str) -> None:
    base = _issue_on(node_stack, "microcred", version)
    derived = mc.derive(base, SELECTIVE)
    _assert_disclosure(derived, version)
    assert _node_verifies(node_stack, derived) == (True, None)


#: beyond SELECTIVE: a whole array, two of its elements, and one value inside an element
POINTER_SETS = [
    SELECTIVE,
    ["/credentialSubject/achievements"],
    ["/credentialSubject/achievements/0", "/credentialSubject/achievements/2"],
    ["/credentialSubject/achievements/2/grade"],
]


@pytest.mark.parametrize("pointers", POINTER_SETS, ids=lambda p: ",".join(p))
@pytest.mark.parametrize("issuer", ["microcred", "node"])
@pytest.mark.parametrize("version", VERSIONS)
def test_both_sides_derive_the_same_disclosure(
    node_stack: NodeStack, version: str, issuer: str, pointers: list[str]
) -> None:
    """Deriving is deterministic (the base signatures are reused, the label map follows from
    the document): from one base, both holders give the same document and proof value."""
    base = _issue_on(node_stack, issuer, version)
    ours = mc.derive(base, pointers)
    theirs = _node_derive(node_stack, base, pointers)
    assert ours == theirs
    assert _node_verifies(node_stack, ours) == (True, None)
    assert _ours_verifies(ours)


def test_the_disclosure_follows_the_pointers(node_stack: NodeStack) -> None:
    """One value inside one array element: the element keeps that value only."""
    base = _issue_on(node_stack, "microcred", "2.0")
    derived = _node_derive(node_stack, base, ["/credentialSubject/achievements/2/grade"])
    assert _disclosed(derived)["achievements"] == [{"grade": "VG"}]
    assert "name" not in _disclosed(derived)
    assert _ours_verifies(derived)


@pytest.mark.parametrize("issuer", ["microcred", "node"])
def test_a_base_proof_is_rejected_by_both(node_stack: NodeStack, issuer: str) -> None:
    """Negative control: both verifiers want a derived proof; a base proof is for the holder."""
    base = _issue_on(node_stack, issuer, "2.0")
    verified, error = _node_verifies(node_stack, base)
    assert verified is False
    assert error
    assert "base proof" in _signature_failure(base)


def test_a_micro_credential_in_open_badges_3(node_stack: NodeStack) -> None:
    """An OB 3.0 micro-credential: its ResultDescription's ``allowedValue`` is an RDF list.
    microcred issues and derives it (disclosed or not), the reference stack verifies. (The
    reference stack's own issuing and deriving stop on such a list: its skolemization gives
    the list object an ``@id``, which JSON-LD forbids.)"""
    base = _issue(
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


def _tamper(derived: dict[str, Any], change: str) -> dict[str, Any]:
    tampered = copy.deepcopy(derived)
    subject = tampered["credentialSubject"]
    if change == "selected value":
        subject["name"] = "Someone Else"
    elif change == "mandatory value":
        subject["degree"]["level"] = 8
    elif change == "selected array element":
        subject["achievements"][0]["grade"] = "VG"
    else:  # an undisclosed element put back, as issued: the issuer signed it, not for this proof
        subject["achievements"].insert(0, {"code": "DA101", "grade": "VG", "credits": 7.5})
    return tampered


CHANGES = ["selected value", "mandatory value", "selected array element", "undisclosed element"]


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("holder", ["microcred", "node"])
@pytest.mark.parametrize("issuer", ["microcred", "node"])
def test_a_changed_disclosure_is_rejected_by_both(
    node_stack: NodeStack, issuer: str, holder: str, change: str
) -> None:
    base = _issue_on(node_stack, issuer, "2.0")
    derived = (
        mc.derive(base, SELECTIVE)
        if holder == "microcred"
        else _node_derive(node_stack, base, SELECTIVE)
    )
    assert _node_verifies(node_stack, derived) == (True, None)
    tampered = _tamper(derived, change)
    assert tampered != derived
    verified, error = _node_verifies(node_stack, tampered)
    assert verified is False
    assert error
    assert _signature_failure(tampered)


def test_a_disclosure_without_a_subject_is_rejected_by_both(node_stack: NodeStack) -> None:
    """Revealing only the issuer leaves no credentialSubject: the signature holds on both
    sides, and both refuse the credential (VC Data Model: credentialSubject is required)."""
    base = _issue(_credential("2.0"), KEY, suite=SUITE, mandatory_pointers=["/issuer"])
    derived = mc.derive(base, [])
    assert "credentialSubject" not in derived
    verified, error = _node_verifies(node_stack, derived)
    assert verified is False
    assert "credentialSubject" in (error or "")
    report = _verify_inline(derived)
    assert [c.id for c in report.failed] == ["subject"]
    signature = report.check("proof.signature")
    assert signature is not None
    assert signature.status == "passed"
