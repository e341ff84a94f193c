"""Every tamper class fails verification with a specific check (issue: Data Integrity)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import microcred as mc
from microcred import keys

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

SUITES = {
    "eddsa-rdfc-2022": "Ed25519",
    "eddsa-jcs-2022": "Ed25519",
    "ecdsa-rdfc-2019": "P-256",
    "ecdsa-jcs-2019": "P-384",
    "Ed25519Signature2020": "Ed25519",
}


@cache
def key_of(key_type: str) -> keys.KeyPair:
    return keys.generate(key_type)


def unsigned(issuer: str) -> dict[str, Any]:
    return {
        "@context": [VC_V2, OB_303],
        "id": "urn:uuid:0d1d5a4e-52a1-4c4c-9a43-6c3f0b6d9f10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Grundläggande maskininlärning",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Exempeluniversitetet"},
        "validFrom": "2026-06-12T10:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:3f0a3c55-5f1f-4d1e-8b43-d7d0b6f2a001",
                "type": ["Achievement"],
                "name": "DA123A Introduction to machine learning",
                "description": "7.5 ECTS, first cycle",
                "criteria": {"narrative": "Passed the written examination."},
                "creditsAvailable": 7.5,
            },
        },
    }


@cache
def signed_for(suite: str) -> dict[str, Any]:
    key = key_of(SUITES[suite])
    return mc.issue(
        unsigned(key.did), key, suite=suite, created="2026-06-12T10:00:00Z", proof_array=False
    )


def verify(doc: dict[str, Any], **kwargs: Any) -> mc.VerificationReport:
    return mc.verify(doc, **kwargs)


def failed_ids(report: mc.VerificationReport) -> set[str]:
    return {c.id for c in report.failed}


@pytest.mark.parametrize("suite", SUITES)
def test_untampered_verifies(suite: str) -> None:
    report = verify(signed_for(suite))
    assert report.verified, report
    assert report.format == "data-integrity"


def _mutations() -> Iterator[tuple[str, Callable[[dict[str, Any]], None], set[str]]]:
    def changed_claim(d: dict[str, Any]) -> None:
        d["credentialSubject"]["achievement"]["creditsAvailable"] = 30

    def added_claim(d: dict[str, Any]) -> None:
        d["description"] = "added after signing"

    def removed_claim(d: dict[str, Any]) -> None:
        del d["name"]

    def changed_proof_value(d: dict[str, Any]) -> None:
        value = d["proof"]["proofValue"]
        d["proof"]["proofValue"] = value[:-2] + ("1" if value[-2] != "1" else "2") + value[-1]

    def changed_created(d: dict[str, Any]) -> None:
        d["proof"]["created"] = "2026-06-12T10:00:01Z"

    def wrong_purpose(d: dict[str, Any]) -> None:
        d["proof"]["proofPurpose"] = "authentication"

    def context_removed(d: dict[str, Any]) -> None:
        d["@context"] = [VC_V2]

    def context_replaced(d: dict[str, Any]) -> None:
        d["@context"] = [VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"]

    yield "changed claim", changed_claim, {"proof.signature"}
    yield "added claim", added_claim, {"proof.signature"}
    yield "removed claim", removed_claim, {"proof.signature"}
    yield "changed proofValue", changed_proof_value, {"proof.signature"}
    yield "changed created", changed_created, {"proof.signature"}
    yield "wrong proofPurpose", wrong_purpose, {"proof.purpose"}
    yield "context entry removed", context_removed, {"contexts", "proof.signature"}
    yield "context entry replaced", context_replaced, {"contexts", "proof.signature"}


MUTATIONS = list(_mutations())


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(("name", "mutate", "expected"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_tamper_class_fails_with_a_specific_check(
    suite: str,
    name: str,
    mutate: Callable[[dict[str, Any]], None],
    expected: set[str],
) -> None:
    doc = copy.deepcopy(signed_for(suite))
    mutate(doc)
    report = verify(doc)
    assert report.outcome == "invalid", (name, report)
    assert failed_ids(report) & expected, (name, failed_ids(report))


@pytest.mark.parametrize("suite", SUITES)
def test_swapped_verification_method_fails(suite: str) -> None:
    doc = copy.deepcopy(signed_for(suite))
    other = keys.generate(SUITES[suite])
    doc["proof"]["verificationMethod"] = other.verification_method
    report = verify(doc)
    assert report.outcome == "invalid"
    assert "proof.signature" in failed_ids(report)


def test_cryptosuite_name_swapped_fails() -> None:
    doc = copy.deepcopy(signed_for("eddsa-rdfc-2022"))
    doc["proof"]["cryptosuite"] = "eddsa-jcs-2022"
    report = verify(doc)
    assert report.outcome == "invalid"
    assert "proof.signature" in failed_ids(report)


def test_unknown_cryptosuite_fails_clearly() -> None:
    doc = copy.deepcopy(signed_for("eddsa-rdfc-2022"))
    doc["proof"]["cryptosuite"] = "eddsa-2099"
    report = verify(doc)
    assert report.outcome == "invalid"
    check = report.check("proof.suite")
    assert check is not None
    assert check.status == "failed"
    assert "eddsa-2099" in check.message


def test_key_type_must_fit_the_suite() -> None:
    doc = copy.deepcopy(signed_for("eddsa-rdfc-2022"))
    doc["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    report = verify(doc)
    assert "proof.method" in failed_ids(report)


def test_issuer_must_be_the_controller() -> None:
    key = key_of("Ed25519")
    stranger = keys.generate("Ed25519")
    doc = mc.issue(
        unsigned(stranger.did), key, allow_issuer_mismatch=True, created="2026-06-12T10:00:00Z"
    )
    report = verify(doc)
    assert report.outcome == "invalid"
    assert "issuer" in failed_ids(report)


def test_suite_not_on_the_allowlist_fails() -> None:
    report = verify(signed_for("eddsa-jcs-2022"), suites=["eddsa-rdfc-2022"])
    assert report.outcome == "invalid"
    check = report.check("proof.suite")
    assert check is not None
    assert check.status == "failed"
    assert "accepted" in check.message


def test_issue_refuses_a_mismatched_issuer_and_never_mutates_input() -> None:
    key = key_of("Ed25519")
    doc = unsigned("did:example:someone-else")
    before = copy.deepcopy(doc)
    with pytest.raises(ValueError, match="controller"):
        mc.issue(doc, key)
    signed = mc.issue(unsigned(key.did), key)
    assert "proof" in signed
    assert doc == before


def _leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "@context":
                yield from _leaf_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaf_paths(v, (*path, i))
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        yield path


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019"])
@given(data=st.data())
def test_random_edits_to_any_value_never_verify(suite: str, data: st.DataObject) -> None:
    original = signed_for(suite)
    paths = list(_leaf_paths(original))
    path = data.draw(st.sampled_from(paths))
    old = _get(original, path)
    if isinstance(old, str):
        new: Any = data.draw(st.text(max_size=12).filter(lambda s: s != old))
    else:
        new = data.draw(
            st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False)
        )
        if new == old:
            new = old + 1
    doc = copy.deepcopy(original)
    _set(doc, path, new)
    report = verify(doc)
    assert not report.verified, (path, old, new)
    failed = {c.id for c in report.checks if c.status in ("failed", "error")}
    if path[0] == "proof":
        # the check of the proof member edited decides, or the strict reading of the proof
        # refuses it first (a value JSON-LD cannot read there, such as the keyword "@set"
        # as the verificationMethod), naming the proof
        refused = [
            c for c in report.checks if c.id == "contexts" and c.message.startswith("proof: ")
        ]
        assert _DECIDING[path[-1]] in failed or refused, (path, failed)
    elif "proof.signature" not in failed:
        # what was signed changed, but the document is refused before the signature is
        # checked: the strict reading rule (``contexts``), or a type that is no credential's
        assert failed & {"contexts", "format"}, (path, failed)
        signature = report.check("proof.signature")
        assert signature is None or signature.status != "passed"


#: A proof member → the check that fails when it is edited.
_DECIDING = {
    "created": "proof.created",
    "cryptosuite": "proof.suite",
    "type": "proof.suite",
    "proofPurpose": "proof.purpose",
    "verificationMethod": "proof.method",
    "proofValue": "proof.signature",
}
