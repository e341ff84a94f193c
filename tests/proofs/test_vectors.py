"""Data Integrity suites against the W3C vc-di-eddsa / vc-di-ecdsa and OB 3.0 test vectors.

Every deterministic intermediate (canonical proof configuration, canonical document, both
hashes) must be reproduced byte for byte; deterministic signatures (Ed25519) must reproduce the
published ``proofValue``; every published signed document must verify.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import microcred as mc
from microcred import jsonld, keys, proofs
from microcred.proofs import SuiteOptions
from microcred.testing import controller_document

EDDSA = "vectors/vc-di-eddsa"
ECDSA = "vectors/vc-di-ecdsa"

# (folder, suffix, suite, key file, unsigned input)
CASES = [
    (
        f"{EDDSA}/eddsa-rdfc-2022",
        "DataInt",
        "eddsa-rdfc-2022",
        f"{EDDSA}/keyPair.json",
        f"{EDDSA}/unsigned.json",
    ),
    (
        f"{EDDSA}/eddsa-rdfc-2022/employ",
        "DataInt",
        "eddsa-rdfc-2022",
        f"{EDDSA}/keyPair.json",
        f"{EDDSA}/employmentAuth.json",
    ),
    (
        f"{EDDSA}/eddsa-jcs-2022",
        "JCS",
        "eddsa-jcs-2022",
        f"{EDDSA}/keyPair.json",
        f"{EDDSA}/unsigned.json",
    ),
    (
        f"{EDDSA}/Ed25519Signature2020",
        "EdSig",
        "Ed25519Signature2020",
        f"{EDDSA}/keyPair.json",
        f"{EDDSA}/unsigned.json",
    ),
    (
        f"{ECDSA}/ecdsa-rdfc-2019-p256",
        "ECDSAP256",
        "ecdsa-rdfc-2019",
        f"{ECDSA}/p256KeyPair.json",
        f"{ECDSA}/unsigned.json",
    ),
    (
        f"{ECDSA}/ecdsa-rdfc-2019-p256/employ",
        "ECDSAP256",
        "ecdsa-rdfc-2019",
        f"{ECDSA}/p256KeyPair.json",
        f"{ECDSA}/employmentAuth.json",
    ),
    (
        f"{ECDSA}/ecdsa-rdfc-2019-p384",
        "ECDSAP384",
        "ecdsa-rdfc-2019",
        f"{ECDSA}/p384KeyPair.json",
        f"{ECDSA}/unsigned.json",
    ),
    (
        f"{ECDSA}/ecdsa-jcs-2019-p256",
        "JCSECDSAP256",
        "ecdsa-jcs-2019",
        f"{ECDSA}/p256KeyPair.json",
        f"{ECDSA}/unsigned.json",
    ),
    (
        f"{ECDSA}/ecdsa-jcs-2019-p384",
        "JCSECDSAP384",
        "ecdsa-jcs-2019",
        f"{ECDSA}/p384KeyPair.json",
        f"{ECDSA}/unsigned.json",
    ),
]


def _loader(standards: Path) -> jsonld.DocumentLoader:
    """The vendored contexts plus the two example contexts the W3C vectors use (test data)."""
    extra = jsonld.StaticLoader(vendored=False)
    folder = standards / "vectors" / "contexts-extra"
    for url, name in (
        ("https://www.w3.org/ns/credentials/examples/v2", "credentials-examples-v2.jsonld"),
        ("https://w3id.org/citizenship/v4rc1", "citizenship-v4rc1.jsonld"),
    ):
        try:
            jsonld.default_loader().load(url)
        except mc.errors.UnknownContextError:
            extra.add_file(url, folder / name)
    return jsonld.ChainLoader(jsonld.default_loader(), extra)


def _key(standards: Path, name: str) -> keys.KeyPair:
    data = json.loads((standards / name).read_text())
    secret = data.get("secretKeyMultibase") or data.get("privateKeyMultibase")
    return keys.KeyPair.from_multikey(data["publicKeyMultibase"], secret)


def _text(folder: Path, stem: str, suffix: str, ext: str = "txt") -> str:
    return (folder / f"{stem}{suffix}.{ext}").read_text()


@pytest.mark.parametrize(
    ("folder", "suffix", "suite_name", "key_file", "unsigned"),
    CASES,
    ids=[c[0].split("/", 1)[1] for c in CASES],
)
def test_intermediates_reproduce_byte_for_byte(
    shared_standards: Path,
    folder: str,
    suffix: str,
    suite_name: str,
    key_file: str,
    unsigned: str,
) -> None:
    base = shared_standards / folder
    loader = _loader(shared_standards)
    key = _key(shared_standards, key_file)
    suite = proofs.suite_by_name(suite_name)
    document = json.loads((shared_standards / unsigned).read_text())
    config = json.loads(_text(base, "proofConfig", suffix, "json"))
    options = SuiteOptions(loader=loader, hash_algorithm=suite.hash_algorithm(key.key_type))

    canonical_config = suite.configure(config, options)
    assert canonical_config.decode() == _text(base, "proofCanon", suffix)
    if suite.suite_context:
        document = (
            {**document, "@context": [*document["@context"], suite.suite_context]}
            if suite.suite_context not in document["@context"]
            else document
        )
    canonical_doc = suite.transform(document, options)
    assert canonical_doc.decode() == _text(base, "canonDoc", suffix)
    hash_data = suite.hash(canonical_config, canonical_doc, options)
    half = len(hash_data) // 2
    assert hash_data[:half].hex() == _text(base, "proofHash", suffix).strip()
    assert hash_data[half:].hex() == _text(base, "docHash", suffix).strip()


@pytest.mark.parametrize(
    ("folder", "suffix", "suite_name", "key_file", "unsigned"),
    CASES,
    ids=[c[0].split("/", 1)[1] for c in CASES],
)
def test_published_signed_documents_verify(
    shared_standards: Path,
    folder: str,
    suffix: str,
    suite_name: str,
    key_file: str,
    unsigned: str,
) -> None:
    signed = json.loads(_text(shared_standards / folder, "signed", suffix, "json"))
    report = mc.verify(signed, loader=_loader(shared_standards), suites=[suite_name], now=None)
    sig = [c for c in report.checks if c.id == "proof.signature"]
    assert sig, report
    assert sig[0].status == "passed", report


@pytest.mark.parametrize(
    ("folder", "suffix", "suite_name", "key_file", "unsigned"),
    CASES,
    ids=[c[0].split("/", 1)[1] for c in CASES],
)
def test_signatures_reproduce_the_published_proof(
    shared_standards: Path,
    folder: str,
    suffix: str,
    suite_name: str,
    key_file: str,
    unsigned: str,
) -> None:
    base = shared_standards / folder
    signed = json.loads(_text(base, "signed", suffix, "json"))
    document = json.loads((shared_standards / unsigned).read_text())
    key = _key(shared_standards, key_file)
    ours = proofs.add_proof(
        document,
        key.signer(),
        proofs.suite_by_name(suite_name),
        key_type=key.key_type,
        created=signed["proof"]["created"],
        loader=_loader(shared_standards),
    )
    assert ours == signed


def test_proof_sets_and_chains_verify(shared_standards: Path) -> None:
    folder = shared_standards / EDDSA / "proof-set-chain"
    loader = _loader(shared_standards)
    checked = 0
    for name in ("signedProofSet1", "signedProofSet2", "signedProofChain1", "signedProofChain2"):
        path = folder / f"{name}.json"
        if not path.exists():
            continue
        document = json.loads(path.read_text())
        results = proofs.verify_proofs(
            document, allowed=proofs.DEFAULT_SUITES, resolver=keys.default_resolver(), loader=loader
        )
        assert results
        assert all(r.verified for r in results), [r.checks for r in results]
        checked += len(results)
    assert checked >= 6


# --- Open Badges 3.0 specification test vector -------------------------------------------


def _ob_vector(shared: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    bench = shared / "bench" / "data"
    if not (bench / "tv-ob-signed.json").exists():
        pytest.skip("OB 3.0 test vector not present: ../shared/bench/data")
    key = json.loads((bench / "test-vector-key.json").read_text())
    signed = json.loads((bench / "tv-ob-signed.json").read_text())
    unsigned = json.loads((bench / "small.json").read_text())
    return key, signed, unsigned


def _ob_controller(key: dict[str, Any]) -> dict[str, Any]:
    return controller_document(key["verificationMethod"], key["publicKeyMultibase"])


def test_ob3_spec_vector_is_reproduced_exactly(shared_standards: Path) -> None:
    key_data, signed, unsigned = _ob_vector(shared_standards.parent)
    pair = keys.KeyPair.from_multikey(
        key_data["publicKeyMultibase"], key_data["secretKeyMultibase"]
    )

    class SpecSigner:
        algorithm = "EdDSA"
        key_id = key_data["verificationMethod"]

        def sign(self, data: bytes) -> bytes:
            return pair.signer().sign(data)

    ours = proofs.add_proof(
        unsigned,
        SpecSigner(),
        proofs.suite_by_name("eddsa-rdfc-2022"),
        key_type="Ed25519",
        created=signed["proof"]["created"]
        if isinstance(signed["proof"], dict)
        else signed["proof"][0]["created"],
    )
    assert (
        ours["proof"]["proofValue"]
        == (signed["proof"] if isinstance(signed["proof"], dict) else signed["proof"][0])[
            "proofValue"
        ]
    )
    canon = shared_standards / "examples" / "spec-test-vectors" / "obv3p0-document-canon.txt"
    if canon.exists():
        assert jsonld.canonize(unsigned).nquads == canon.read_text()


def test_ob3_spec_vector_verifies_with_a_supplied_controller_document(
    shared_standards: Path,
) -> None:
    key_data, signed, _ = _ob_vector(shared_standards.parent)
    report = mc.verify(signed, resolver=keys.StaticResolver([_ob_controller(key_data)]))
    assert report.verified, report
    unresolved = mc.verify(signed)
    assert unresolved.outcome == "indeterminate"
    method = unresolved.check("proof.method")
    assert method is not None
    assert key_data["verificationMethod"] in method.message
