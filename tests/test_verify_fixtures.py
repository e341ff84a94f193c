"""verify() on every published fixture that carries a proof: the confusion matrix.

Each fixture has an expected outcome and the check that must decide it. Valid fixtures are
signed with keys whose public part is published with them: the verification method's fragment
*is* the Multikey (``…#z6Mk…``). The test supplies a controller document built from that fact
(as a verifier that trusts the issuer's published key would); without it, such fixtures are
``indeterminate`` and the report names the key. Revocation fixtures get their status list
(published beside them) through a static fetcher.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import microcred as mc
from microcred import keys, status
from microcred.testing import controller_document

NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
OB30 = "validator-fixtures/ob30/"
CLR20 = "validator-fixtures/clr20/"

# fixture → (expected outcome, the check id that decides it, a text its message must contain)
EXPECTED: dict[str, tuple[str, str, str]] = {
    # valid fixtures: verified once the published key is trusted
    OB30 + "simple.json": ("verified", "proof.signature", "verified"),
    OB30 + "simple.1ob": ("verified", "proof.signature", "verified"),
    OB30 + "simple_v1.json": ("verified", "proof.signature", "verified"),
    OB30 + "simple-context-alias.json": ("verified", "proof.signature", "verified"),
    OB30 + "simple-context-version.json": ("verified", "proof.signature", "verified"),
    OB30 + "simple-did-web-method.json": ("verified", "proof.signature", "verified"),
    OB30 + "simple-eddsa-2022.json": ("verified", "proof.suite", "eddsa-2022"),
    OB30 + "simple-multiple-proofs.json": ("verified", "proof.suite", "SomeProofType"),
    OB30 + "bit-string-list/testlist": ("verified", "proof.signature", "verified"),
    # signed and bound, but its credentialStatus names a list no one gave the verifier: a
    # status that was not checked is not verified (docs/verification.md, status by default)
    OB30 + "complete.json": ("indeterminate", "status", "no status list was given"),
    OB30 + "endorsement-valid.json": ("verified", "proof.signature", "verified"),
    # an ecdsa-sd-2023 derived proof (selective disclosure), P-256 key
    OB30 + "sd/derivedcredential.json": ("verified", "proof.signature", "verified"),
    "spec-extracted/impl__linked-data-proof-ob__02__Signed-credential.json": (
        "verified",
        "proof.signature",
        "verified",
    ),
    CLR20 + "simple.json": ("verified", "proof.signature", "verified"),
    # The signatures hold, but the credentials inside name the official OB 3.0 JSON Schema in
    # credentialSchema and do not conform to it (single-string types, issuer without type
    # array): the `schema` check of the nested credentials fails, as the official schema does.
    "spec-extracted/impl__linked-data-proof-clr__03__Signed-credential.json": (
        "invalid",
        "schema",
        "is not of type 'array'",
    ),
    # cannot be determined offline, and the report says why
    OB30 + "simple.jwt": ("indeterminate", "jwt.key", "no kid"),
    OB30 + "velocity.jwt": ("indeterminate", "jwt.key", "did:velocity"),
    CLR20 + "simple.jwt": ("indeterminate", "jwt.key", "jwk"),
    CLR20 + "complex.json": ("indeterminate", "contexts", "clr/v2p0/context.json"),
    CLR20 + "simple_v1.json": ("indeterminate", "contexts", "clr/v2p0/context.json"),
    CLR20 + "simple_old_safesigned.json": ("indeterminate", "contexts", "draft/clr"),
    OB30 + "simple-err-proof-method-unknown-did-method.json": (
        "indeterminate",
        "proof.method",
        "did:example:",
    ),
    OB30 + "simple-err-proof-method-unknown-scheme.json": ("indeterminate", "proof.method", "xxx:"),
    # invalid, failing the check the fixture's name describes
    OB30 + "simple-noproof.json": ("invalid", "format", "no proof"),
    CLR20 + "simple-noproof.json": ("invalid", "format", "no proof"),
    # no VC base context first (VC Data Model 2.0 §4.3)
    OB30 + "simple-err-context.json": ("invalid", "contexts", "first @context entry"),
    OB30 + "simple-err-type.json": ("invalid", "contexts", "OtherCredential"),
    OB30 + "simple-err-issuer-type.json": ("invalid", "contexts", "InvalidProfile"),
    OB30 + "simple-err-issuer-parentorg-type.json": ("invalid", "contexts", "InvalidProfile"),
    OB30 + "simple-err-issuer-otheridentifier-type.json": ("invalid", "contexts", "identifier"),
    OB30 + "simple-err-credential-subject-type.json": ("invalid", "contexts", "achievement"),
    OB30 + "simple-err-credential-subject-profile-type.json": (
        "invalid",
        "contexts",
        "InvalidProfile",
    ),
    OB30 + "simple-err-credential-subject-identifier-type.json": ("invalid", "contexts", "hashed"),
    OB30 + "simple-err-credential-subject-result-type.json": (
        "invalid",
        "contexts",
        "achievedLevel",
    ),
    OB30 + "simple-err-credential-subject-achievement-result-description-type.json": (
        "invalid",
        "contexts",
        "resultType",
    ),
    OB30 + "simple-err-evidence-type.json": ("invalid", "contexts", "audience"),
    OB30 + "simple-err-expired.json": ("invalid", "validity.valid_until", "expired"),
    OB30 + "simple-err-issued.json": ("invalid", "validity.valid_from", "not valid yet"),
    OB30 + "simple-err-proof-method-no-scheme.json": ("invalid", "proof.method", "z6Mk"),
    OB30 + "simple-err-proof-value.json": ("invalid", "proof.signature", "does not match"),
    OB30 + "simple-err-proof-method.json": ("invalid", "proof.method", "unusable"),
    # edited after signing: besides its unreachable schema, status and refresh service
    OB30 + "endorsement-err-schema-status-refresh.json": (
        "invalid",
        "proof.signature",
        "does not match",
    ),
    OB30 + "simple-err-issuer.json": ("invalid", "issuer", "no issuer"),
    "spec-extracted/impl__getting-started__03__example.json": (
        "invalid",
        "contexts",
        "achievementType",
    ),
    OB30 + "credential-status-revoked.json": ("invalid", "status", "revoked"),
    # Bitstring Status List v1.0 §2.1: statusListIndex is "an arbitrary size integer greater
    # than or equal to 0, expressed as a string in base 10"; these fixtures write the JSON
    # number 23, a malformed value (§3.2), so the status is refused before the list is read
    # (their list, published beside them, does have bit 23 set: see the test below)
    OB30 + "bit-string-list/credential-status-revoked.json": (
        "invalid",
        "status",
        "statusListIndex is the JSON number 23",
    ),
    OB30 + "bit-string-list/credential-status-revoked-blank-nodes.json": (
        "invalid",
        "status",
        "statusListIndex is the JSON number 23",
    ),
    # Policy differences, each decided and documented (docs/verification.md):
    # the issuer is a urn:uuid, the key a did:key: nothing ties the key to the issuer.
    OB30 + "simple-did-key-method.json": ("invalid", "issuer", "not the controller"),
    # VC 1.1 + OB 3.0.1 with refreshService type '1EdTechCredentialRefresh': a relative IRI
    # under those contexts, rejected in JSON-LD safe mode (docs/jsonld.md).
    OB30 + "complete_v1.json": ("invalid", "contexts", "1EdTechCredentialRefresh"),
}


def _proofs(value: Any) -> list[Any]:
    """Every proof in ``value``, the credentials nested in a CLR or presentation included."""
    found: list[Any] = []
    if isinstance(value, dict):
        proofs = value.get("proof")
        found += proofs if isinstance(proofs, list) else [proofs] if proofs else []
        for key, item in value.items():
            if key != "proof":
                found += _proofs(item)
    elif isinstance(value, list):
        for item in value:
            found += _proofs(item)
    return found


def _controller_documents(document: Any) -> list[dict[str, Any]]:
    """Controller documents for every verification method whose fragment is its Multikey."""
    found = []
    for proof in _proofs(document):
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if not isinstance(method, str) or method.startswith("did:key"):
            continue
        if "#z6Mk" not in method and "#zDna" not in method:  # Ed25519 or P-256 Multikey
            continue
        found.append(controller_document(method, method.split("#", 1)[1]))
    return found


def _status_lists(examples: Path, document: Any) -> status.StaticStatusLists:
    lists: dict[str, Any] = {}
    entry = document.get("credentialStatus") if isinstance(document, dict) else None
    testlist = examples / OB30 / "bit-string-list" / "testlist"
    if isinstance(entry, dict) and entry.get("type") == "BitstringStatusListEntry":
        # the entry points at where the list beside the fixture is published
        lists[entry["statusListCredential"]] = json.loads(testlist.read_text())
    if isinstance(entry, dict) and entry.get("type") == "1EdTechRevocationList":
        # the fixture's name says it is revoked: its list names it
        lists[entry["id"]] = {"id": entry["id"], "revokedCredentials": [{"id": document["id"]}]}
    return status.StaticStatusLists(lists)


def _verify(examples: Path, name: str, *, trusted: bool) -> mc.VerificationReport:
    data = (examples / name).read_bytes()
    try:
        document = json.loads(data)
    except ValueError:
        document = None
    resolver = keys.StaticResolver(_controller_documents(document)) if trusted else None
    # only the fixtures whose name says "revoked" have their list published beside them
    lists = _status_lists(examples, document) if trusted and "revoked" in name else None
    return mc.verify(data, now=NOW, resolver=resolver, status=lists)


def _deciding(report: mc.VerificationReport, check_id: str) -> list[mc.Check]:
    """The checks called ``check_id``, in the report and the reports of nested credentials."""
    found = [c for c in report.checks if c.id == check_id]
    for inner in report.credentials:
        found += _deciding(inner, check_id)
    return found


@pytest.fixture
def examples(shared_standards: Path) -> Path:
    return shared_standards / "examples"


def test_every_fixture_with_a_proof_is_listed(examples: Path) -> None:
    """New fixtures must be classified, not silently ignored."""
    candidates = set()
    for path in examples.rglob("*"):
        if path.is_dir() or path.suffix in (".txt", ".md", ".png", ".svg"):
            continue
        text = path.read_text(errors="replace")
        if '"proof"' in text or path.suffix == ".jwt":
            candidates.add(path.relative_to(examples).as_posix())
    unlisted = sorted(c for c in candidates if c not in EXPECTED and "test-vector-keys" not in c)
    unlisted = [c for c in unlisted if not _is_unsigned_or_not_a_credential(examples / c)]
    assert unlisted == [], "classify these fixtures in EXPECTED"


def _is_unsigned_or_not_a_credential(path: Path) -> bool:
    try:
        document = json.loads(path.read_text())
    except ValueError:
        return False
    return not isinstance(document, dict) or "proof" not in document


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_outcome_and_deciding_check(examples: Path, name: str) -> None:
    if not (examples / name).exists():
        pytest.skip(f"fixture {name} not present")
    outcome, check_id, text = EXPECTED[name]
    report = _verify(examples, name, trusted=True)
    assert report.outcome == outcome, report
    deciding = _deciding(report, check_id)
    assert any(text in c.message for c in deciding), (check_id, text, report)
    if outcome == "invalid":
        assert any(c.status == "failed" for c in deciding), report
    if outcome == "indeterminate":
        assert any(c.status == "error" for c in deciding), report


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e[0] == "verified"))
def test_valid_fixture_without_its_key_is_indeterminate_naming_the_key(
    examples: Path, name: str
) -> None:
    if not (examples / name).exists():
        pytest.skip(f"fixture {name} not present")
    report = _verify(examples, name, trusted=False)
    assert report.outcome == "indeterminate", report
    methods = [c for c in report.checks if c.id == "proof.method" and c.status == "error"]
    assert methods, report
    assert all("#z6Mk" in c.message or "#zDna" in c.message for c in methods), report


def test_a_complete_credential_with_its_status_checked_is_verified(examples: Path) -> None:
    """complete.json is indeterminate only for want of its revocation list: given one that
    does not name it, it verifies; checked with the status opted out, it verifies with a
    warning saying so."""
    name = OB30 + "complete.json"
    if not (examples / name).exists():
        pytest.skip(f"fixture {name} not present")
    data = (examples / name).read_bytes()
    document = json.loads(data)
    resolver = keys.StaticResolver(_controller_documents(document))
    entry = document["credentialStatus"]
    assert entry["type"] == "1EdTechRevocationList"
    lists = status.StaticStatusLists({entry["id"]: {"id": entry["id"], "revokedCredentials": []}})
    report = mc.verify(data, now=NOW, resolver=resolver, status=lists)
    assert report.verified, report.failed
    assert all(w.id != "status" for w in report.warnings)
    opted_out = mc.verify(data, now=NOW, resolver=resolver, check_status=False)
    assert opted_out.verified
    assert "status" in [w.id for w in opted_out.warnings]


def test_the_bitstring_fixtures_index_is_refused_as_a_number_not_read(examples: Path) -> None:
    """With the index written as the string the specification requires, the same entry is
    revoked by the fixtures' list (bit 23 is set): the refusal above is about the form."""
    name = OB30 + "bit-string-list/credential-status-revoked.json"
    if not (examples / name).exists():
        pytest.skip(f"fixture {name} not present")
    document = json.loads((examples / name).read_text())
    listed = json.loads((examples / OB30 / "bit-string-list" / "testlist").read_text())
    resolver = keys.StaticResolver(_controller_documents(listed))
    lists = _status_lists(examples, document)
    for index, verdict in ((23, "statusListIndex is the JSON number 23"), ("23", "revoked")):
        checked = mc.VerificationReport()
        status.check_entries(
            checked,
            {
                "credentialStatus": dict(document["credentialStatus"], statusListIndex=index),
                "issuer": document["issuer"],
            },
            fetcher=lists,
            verify_list=lambda item: mc.verify(item, now=NOW, resolver=resolver),
        )
        assert [c.status for c in checked.checks] == ["failed"], checked
        assert verdict in checked.checks[0].message


def test_confusion_matrix_is_diagonal(examples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = ("verified", "invalid", "indeterminate")
    matrix: Counter[tuple[str, str]] = Counter()
    for name, (expected, _, _) in EXPECTED.items():
        if (examples / name).exists():
            matrix[(expected, _verify(examples, name, trusted=True).outcome)] += 1
    with capsys.disabled():
        print("\nexpected \\ actual " + " ".join(f"{label:>13}" for label in labels))
        for row in labels:
            print(f"{row:<17} " + " ".join(f"{matrix[(row, col)]:>13}" for col in labels))
    off_diagonal = {k: v for k, v in matrix.items() if k[0] != k[1]}
    assert sum(matrix.values()) >= 40
    assert off_diagonal == {}
