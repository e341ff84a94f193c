"""``ecdsa-sd-2023``: the W3C vectors byte for byte, issue → derive → verify, and every way a
derived proof can be wrong."""

from __future__ import annotations

import base64
import functools
import json
import re
from pathlib import Path
from typing import Any

import base58
import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microcred as mc
from microcred import keys, proofs
from microcred.proofs import _sd
from microcred.proofs import ecdsa_sd_2023 as sd
from microcred.proofs._base import SuiteOptions

from .test_vectors import _loader

# These credentials carry an embedded context ({"@vocab": ...}): the caller opts in, as it must
# (embedded contexts are refused by default; docs/verification.md, the strict reading rule).
_issue = functools.partial(mc.issue, allow_inline_contexts=True)
_present = functools.partial(mc.present, allow_inline_contexts=True)
_verify_inline = functools.partial(mc.verify, allow_inline_contexts=True)

SDV = "vectors/vc-di-ecdsa/ecdsa-sd-2023"
VECTORS = ["employ", "prc"]
SELECTIVE = {"employ": "employSelective.json", "prc": "prCredSelective.json"}


def _json(path: Path) -> Any:
    return json.loads(path.read_text())


def _material(standards: Path) -> tuple[keys.KeyPair, keys.KeyPair, bytes]:
    data = _json(standards / SDV / "SDKeyMaterial.json")
    base = data["baseKeyPair"]
    proof = data["proofKeyPair"]
    return (
        keys.KeyPair.from_multikey(base["publicKeyMultibase"], base["secretKeyMultibase"]),
        keys.KeyPair.from_multikey(proof["publicKeyMultibase"], proof["secretKeyMultibase"]),
        bytes.fromhex(data["hmacKeyString"]),
    )


def _vector_signature(results: list[proofs.ProofResult]) -> mc.Check:
    [result] = results
    [check] = [c for c in result.checks if c.id == "proof.signature"]
    return check


# --- the published vectors ------------------------------------------------------------------


@pytest.mark.parametrize("name", VECTORS)
def test_the_base_proof_is_reproduced_byte_for_byte(shared_standards: Path, name: str) -> None:
    folder = shared_standards / SDV / name
    issuer, proof_key, hmac_key = _material(shared_standards)
    signed = _json(folder / "addSignedSDBase.json")
    document = {k: v for k, v in signed.items() if k != "proof"}
    config = _json(folder / "addProofConfig.json")
    transform = _json(folder / "addBaseTransform.json")
    suite = proofs.suite_by_name("ecdsa-sd-2023")
    assert isinstance(suite, sd.EcdsaSd2023)
    options = SuiteOptions(
        loader=_loader(shared_standards),
        mandatory_pointers=tuple(transform["mandatoryPointers"]),
    )

    assert (
        suite.configure(config, options).decode()
        == (folder / "addProofConfigCanon.txt").read_text()
    )
    value = suite.base_proof_value(
        config, document, issuer.signer(), options, hmac_key=hmac_key, proof_key=proof_key
    )
    assert value == signed["proof"]["proofValue"]

    parsed = sd.parse_base_proof_value(value)
    raw = _json(folder / "addRawBaseSignatureInfo.json")
    assert parsed.base_signature.hex() == raw["baseSignature"]
    assert [s.hex() for s in parsed.signatures] == raw["signatures"]
    assert "z" + base58.b58encode(parsed.public_key).decode() == raw["publicKey"]
    assert parsed.mandatory_pointers == tuple(raw["mandatoryPointers"])


@pytest.mark.parametrize("name", VECTORS)
def test_the_statements_and_groups_match_the_vectors(shared_standards: Path, name: str) -> None:
    folder = shared_standards / SDV / name
    _, _, hmac_key = _material(shared_standards)
    signed = _json(folder / "addSignedSDBase.json")
    document = {k: v for k, v in signed.items() if k != "proof"}
    transform = _json(folder / "addBaseTransform.json")
    grouped = _sd.canonicalize_and_group(
        document,
        _sd.hmac_label_map(hmac_key),
        {"mandatory": transform["mandatoryPointers"]},
        loader=_loader(shared_standards),
    )
    assert grouped.statements == _json(folder / "addBaseDocHMACCanon.json")
    group = grouped.groups["mandatory"]
    assert [[i, s] for i, s in group.matching.items()] == transform["mandatory"]["value"]
    assert [[i, s] for i, s in group.non_matching.items()] == transform["nonMandatory"]["value"]


@pytest.mark.parametrize("name", VECTORS)
def test_derive_reproduces_the_published_reveal_document(shared_standards: Path, name: str) -> None:
    folder = shared_standards / SDV / name
    signed = _json(folder / "addSignedSDBase.json")
    pointers = _json(shared_standards / "vectors/vc-di-ecdsa" / SELECTIVE[name])
    derived = mc.derive(signed, pointers, loader=_loader(shared_standards))
    assert derived == _json(folder / "derivedRevealDocument.json")

    parsed = sd.parse_derived_proof_value(derived["proof"]["proofValue"])
    disclosure = _json(folder / "derivedDisclosureData.json")
    assert [s.hex() for s in parsed.signatures] == disclosure["signatures"]
    assert parsed.label_map == dict(disclosure["labelMap"]["value"])
    assert list(parsed.mandatory_indexes) == disclosure["mandatoryIndexes"]


@pytest.mark.parametrize("name", VECTORS)
def test_the_published_derived_proof_verifies(shared_standards: Path, name: str) -> None:
    revealed = _json(shared_standards / SDV / name / "derivedRevealDocument.json")
    results = proofs.verify_proofs(
        revealed,
        allowed=["ecdsa-sd-2023"],
        resolver=keys.default_resolver(),
        loader=_loader(shared_standards),
    )
    assert _vector_signature(results).status == "passed"


# --- issue, derive, verify ------------------------------------------------------------------

ISSUER = keys.generate("P-256")
CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        {"@vocab": "https://example.org/microcred-test#"},
    ],
    "type": ["VerifiableCredential"],
    "issuer": ISSUER.did,
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {
        "id": "did:example:learner",
        "name": "Alma Andersson",
        "birthDate": "2001-02-03",
        "courses": [
            {"code": "DA101", "credits": 7.5, "grade": "VG"},
            {"code": "DA102", "credits": 5, "grade": "G"},
        ],
    },
}


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    signed: dict[str, Any] = _issue(
        CREDENTIAL,
        ISSUER,
        suite="ecdsa-sd-2023",
        mandatory_pointers=["/issuer", "/validFrom"],
    )
    return signed


def _verify(document: dict[str, Any]) -> mc.VerificationReport:
    return _verify_inline(document)


def _signature_message(report: mc.VerificationReport) -> str:
    return next(c.message for c in report.checks if c.id == "proof.signature")


def test_issue_derive_verify(base: dict[str, Any]) -> None:
    assert base["proof"]["proofValue"].startswith("u2V0A")
    derived = mc.derive(base, ["/credentialSubject/courses/1/grade"])
    assert derived["credentialSubject"] == {
        "id": "did:example:learner",
        "courses": [{"grade": "G"}],
    }
    assert derived["issuer"] == ISSUER.did
    assert derived["validFrom"] == CREDENTIAL["validFrom"]
    assert "name" not in json.dumps(derived["credentialSubject"])
    report = _verify(derived)
    assert report.outcome == "verified", report


def test_disclosing_everything_and_nothing_more_than_the_mandatory_part(
    base: dict[str, Any],
) -> None:
    everything = mc.derive(base, ["/credentialSubject"])
    assert everything["credentialSubject"] == CREDENTIAL["credentialSubject"]
    assert _verify(everything).verified
    minimal = mc.derive(base, [])
    assert "credentialSubject" not in minimal
    assert sd.parse_derived_proof_value(minimal["proof"]["proofValue"]).signatures == ()
    # a valid proof over the mandatory statements, but the VC data model wants a subject
    report = _verify(minimal)
    assert _signature_message(report) == "signature verified"
    assert [c.id for c in report.failed] == ["subject"]


def test_each_derivation_is_unlinkable_by_its_labels_but_verifies(base: dict[str, Any]) -> None:
    one = mc.derive(base, ["/credentialSubject/name"])
    two = mc.derive(base, ["/credentialSubject/name"])
    assert one == two  # derivation is deterministic for the same base proof and pointers
    assert _verify(one).verified


def test_a_proof_array_base_credential_is_derived(base: dict[str, Any]) -> None:
    as_array = {**base, "proof": [base["proof"]]}
    derived = mc.derive(as_array, ["/credentialSubject/name"])
    assert isinstance(derived["proof"], list)
    assert len(derived["proof"]) == 1
    assert _verify(derived).verified


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d["credentialSubject"].update(name="Someone Else"), "statement 1"),
        (lambda d: d.update(validFrom="2020-01-01T00:00:00Z"), "base signature"),
        (lambda d: d["credentialSubject"].update(birthDate="2001-02-03"), "signatures for"),
        (lambda d: d["credentialSubject"].pop("name"), "signatures for|beyond"),
        (lambda d: d["proof"].update(created="2026-01-02T00:00:00Z"), "base signature"),
    ],
)
def test_a_changed_disclosure_fails_and_says_why(
    base: dict[str, Any], change: Any, reason: str
) -> None:
    derived = mc.derive(base, ["/credentialSubject/name"])
    change(derived)
    report = _verify(derived)
    assert report.outcome == "invalid"
    assert re.search(reason, _signature_message(report)), _signature_message(report)


def _components(proof_value: str) -> list[Any]:
    raw = base64.urlsafe_b64decode(proof_value[1:] + "=" * (-len(proof_value[1:]) % 4))
    value: list[Any] = cbor2.loads(raw[3:])
    return value


def _encode(header: bytes, components: Any) -> str:
    return "u" + base64.urlsafe_b64encode(header + cbor2.dumps(components)).rstrip(b"=").decode()


def _edit(value: str, edit: Any) -> str:
    components = _components(value)
    edit(components)
    return _encode(sd.DERIVED_HEADER, components)


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        # the W3C suite's negative cases
        (lambda v: _edit(v, lambda c: c.__setitem__(2, c[2][1:])), "signatures for"),
        (lambda v: v[1:], r"base64url \('u\.\.\.'\)"),
        (lambda v: v[:1] + v[4:], "base64url|header"),
        # further malformed values
        (lambda v: _encode(sd.BASE_HEADER, _components(v)), "base proof"),
        (lambda v: _edit(v, lambda c: c.__setitem__(3, {})), "no label for blank node"),
        (lambda v: _edit(v, lambda c: c.__setitem__(4, ["0"])), "mandatoryIndexes"),
        (lambda v: _edit(v, lambda c: c.__setitem__(4, [999])), "beyond"),
        (lambda v: _edit(v, lambda c: c.__setitem__(0, c[0][:63])), "64 bytes"),
        (lambda v: _edit(v, lambda c: c.__setitem__(1, b"\x80\x24" + bytes(33))), "proof-scoped"),
        (lambda v: _edit(v, lambda c: c.append(1)), "5 components"),
        (
            lambda v: _edit(v, lambda c: c.__setitem__(4, [cbor2.CBORTag(2, b"\x00")])),
            "CBOR tags",
        ),
        (lambda v: "u" + "2V0B" + "!!!!", "base64url"),
        (lambda v: v + "=", "padding"),
        (lambda v: "u2V0B_w", "CBOR"),
    ],
)
def test_a_malformed_derived_proof_value_fails_and_says_why(
    base: dict[str, Any], mangle: Any, reason: str
) -> None:
    derived = mc.derive(base, ["/credentialSubject/name", "/credentialSubject/courses/0"])
    derived["proof"]["proofValue"] = mangle(derived["proof"]["proofValue"])
    report = _verify(derived)
    assert report.outcome == "invalid", report
    assert re.search(reason, _signature_message(report)), _signature_message(report)


def test_a_base_proof_is_refused_by_a_verifier_with_the_reason(base: dict[str, Any]) -> None:
    report = _verify(base)
    assert report.outcome == "invalid"
    assert "base proof, meant for the holder" in _signature_message(report)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_after_the_header_are_a_failed_check_not_an_exception(junk: bytes) -> None:
    value = "u" + base64.urlsafe_b64encode(sd.DERIVED_HEADER + junk).rstrip(b"=").decode()
    with pytest.raises(mc.errors.MalformedInputError):
        sd.parse_derived_proof_value(value)


def test_proof_values_round_trip_through_their_parsers(base: dict[str, Any]) -> None:
    value = base["proof"]["proofValue"]
    assert sd.serialize_base_proof_value(sd.parse_base_proof_value(value)) == value
    derived = mc.derive(base, ["/credentialSubject/name"])["proof"]["proofValue"]
    assert sd.serialize_derived_proof_value(sd.parse_derived_proof_value(derived)) == derived


# --- misuse -----------------------------------------------------------------------------------


def test_issuing_with_a_pointer_that_matches_nothing_fails() -> None:
    with pytest.raises(ValueError, match="does not match"):
        _issue(
            CREDENTIAL, ISSUER, suite="ecdsa-sd-2023", mandatory_pointers=["/credentialSubject/x"]
        )


def test_mandatory_pointers_belong_to_selective_suites_only() -> None:
    with pytest.raises(ValueError, match="not selective"):
        _issue(CREDENTIAL, ISSUER, suite="ecdsa-rdfc-2019", mandatory_pointers=["/issuer"])
    with pytest.raises(TypeError, match="not one string"):
        _issue(CREDENTIAL, ISSUER, suite="ecdsa-sd-2023", mandatory_pointers="/issuer")


def test_ecdsa_sd_2023_takes_p256_keys_only() -> None:
    key = keys.generate("P-384")
    with pytest.raises(ValueError, match="P-256"):
        _issue({**CREDENTIAL, "issuer": key.did}, key, suite="ecdsa-sd-2023")


def test_derive_needs_one_base_proof_and_something_to_disclose(base: dict[str, Any]) -> None:
    signed = _issue({**CREDENTIAL, "issuer": ISSUER.did}, ISSUER)
    with pytest.raises(ValueError, match="exactly one ecdsa-sd-2023 proof"):
        mc.derive(signed, ["/issuer"])
    bare = _issue(CREDENTIAL, ISSUER, suite="ecdsa-sd-2023")
    with pytest.raises(ValueError, match="nothing to disclose"):
        mc.derive(bare, [])
    with pytest.raises(ValueError, match="does not match"):
        mc.derive(base, ["/credentialSubject/nothing"])
    with pytest.raises(TypeError, match="not one string"):
        mc.derive(base, "/issuer")  # type: ignore[arg-type]
    derived = mc.derive(base, ["/credentialSubject/name"])
    with pytest.raises(mc.errors.MalformedInputError, match="base"):
        mc.derive(derived, ["/credentialSubject/name"])


# --- property: whatever the subject and pointers, a derivation verifies -----------------------

_keys = st.sampled_from(["name", "code", "grade", "level", "items", "part", "note", "seq"])
#: "seq" is an RDF list (its nodes are blank nodes JSON-LD makes itself)
_SEQ = {"seq": {"@id": "https://example.org/microcred-test#seq", "@container": "@list"}}
_scalars = st.one_of(st.integers(-5, 5), st.booleans(), st.text("abcåä ", max_size=6))
# arrays hold scalars or objects: JSON-LD flattens an array inside an array, so a pointer
# into one names nothing in the RDF
_objects = st.recursive(
    st.dictionaries(_keys, _scalars, min_size=1, max_size=3),
    lambda inner: st.dictionaries(
        _keys, _scalars | inner | st.lists(_scalars | inner, min_size=1, max_size=3), min_size=1
    ),
    max_leaves=10,
)
_values = _scalars | _objects | st.lists(_scalars | _objects, min_size=1, max_size=3)


def _pointers(value: Any, at: str) -> list[str]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _pointers(item, f"{at}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _pointers(item, f"{at}/{index}")
    return found


@settings(max_examples=80, deadline=None)
@given(subject=st.dictionaries(_keys, _values, min_size=1, max_size=4), data=st.data())
def test_any_subject_and_pointers_give_a_derivation_that_verifies(
    subject: dict[str, Any], data: st.DataObject
) -> None:
    credential = {
        **CREDENTIAL,
        "@context": [*CREDENTIAL["@context"], _SEQ],
        "credentialSubject": {"id": "did:example:learner", **subject},
    }
    paths = _pointers(subject, "/credentialSubject")[1:]
    mandatory = data.draw(st.lists(st.sampled_from(paths), max_size=2), label="mandatory")
    selective = data.draw(st.lists(st.sampled_from(paths), max_size=3), label="selective")
    mandatory = [p for p in mandatory if "/seq/" not in p]  # part of a list: see below
    base = _issue(
        credential, ISSUER, suite="ecdsa-sd-2023", mandatory_pointers=["/issuer", *mandatory]
    )
    try:
        derived = mc.derive(base, selective)
    except ValueError as exc:  # only for part of a list, which cannot be disclosed alone
        assert "part of an RDF list" in str(exc)  # noqa: PT017
        assert any("/seq/" in p for p in selective), selective
        return
    report = _verify(derived)
    assert _signature_message(report) == "signature verified"
    if "credentialSubject" in derived:  # (a disclosure of the issuer alone says nothing)
        assert report.outcome == "verified", [c for c in report.checks if c.status == "failed"]
    else:
        assert [c.id for c in report.failed] == ["subject"]


def test_rdf_lists_are_disclosed_and_made_mandatory_correctly() -> None:
    """The nodes of an RDF list have no @id to skolemize: they are named by where they hang,
    so a selection names them as the whole document does (OB 3.0's
    ``ResultDescription.allowedValue`` is such a list)."""
    values = {"@id": "https://example.org/microcred-test#values", "@container": "@list"}
    credential = {
        **CREDENTIAL,
        "@context": [*CREDENTIAL["@context"], {"values": values}],
        "credentialSubject": {
            "id": "did:example:learner",
            "first": {"name": "a", "values": ["1", "2", "3"]},
            "second": {"name": "b", "values": ["x", "y"]},
        },
    }
    for mandatory in (["/issuer"], ["/issuer", "/credentialSubject/second"]):
        base = _issue(credential, ISSUER, suite="ecdsa-sd-2023", mandatory_pointers=mandatory)
        for pointers in (
            ["/credentialSubject/second"],
            ["/credentialSubject/second/values"],
            ["/credentialSubject/first", "/credentialSubject/second/name"],
            [],
        ):
            derived = mc.derive(base, pointers)
            assert _signature_message(_verify(derived)) == "signature verified", (
                mandatory,
                pointers,
            )
    # part of a list is a different list: refused, at issuing and at deriving
    with pytest.raises(ValueError, match="part of an RDF list"):
        _issue(
            credential,
            ISSUER,
            suite="ecdsa-sd-2023",
            mandatory_pointers=["/credentialSubject/first/values/1"],
        )
    with pytest.raises(ValueError, match="part of an RDF list"):
        mc.derive(base, ["/credentialSubject/second/values/0"])
