"""One regression test per defence class of docs/security.md, named after the class.

Each builds the attack and checks the named check that stops it; the deeper tests of each
module (tests/proofs, tests/jose, tests/status, tests/test_net.py, tests/test_baking.py) cover
the variants.
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import hmac
import json
from dataclasses import replace
from datetime import datetime, timezone
from functools import cache
from typing import Any

import pytest

import microcred as mc
from microcred import DEFAULT_LIMITS, keys, status

VC_V2 = "https://www.w3.org/ns/credentials/v2"
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)


@cache
def key() -> keys.KeyPair:
    return keys.generate("Ed25519")


def _credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": [VC_V2],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000010",
        "type": ["VerifiableCredential"],
        "issuer": key().did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ada"},
        **extra,
    }


def _signed(suite: str = "eddsa-rdfc-2022", **extra: Any) -> dict[str, Any]:
    return mc.issue(_credential(**extra), key(), suite=suite, created="2026-06-12T10:00:00Z")


def _failed(report: mc.VerificationReport) -> dict[str, str]:
    return {c.id: c.status for c in report.failed}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# ------------------------------------------------------------------------ contexts


def test_context_substitution_unknown_url_is_never_fetched() -> None:
    document = _signed()
    document["@context"] = [VC_V2, "https://attacker.example/v2-but-mine"]
    report = mc.verify(document)  # the autouse fixture fails the test on any socket use
    assert report.outcome == "indeterminate"
    assert _failed(report) == {"contexts": "error"}


def test_context_substitution_known_url_with_other_content_is_refused() -> None:
    original = mc.jsonld.default_loader().load(VC_V2).document
    tampered = copy.deepcopy(dict(original))
    tampered["@context"]["name"] = "https://attacker.example/name"
    loader = mc.jsonld.StaticLoader(vendored=False)
    with pytest.raises(mc.errors.ContextIntegrityError):
        loader.add(VC_V2, tampered)  # whoever supplies it: only known revisions


def test_context_redefining_a_protected_term_is_refused() -> None:
    document = _signed()
    document["@context"] = [VC_V2, {"name": "https://attacker.example/name"}]
    report = mc.verify(document)
    assert report.outcome == "invalid"
    assert _failed(report) == {"contexts": "failed"}


# ------------------------------------------------------------------------ downgrades


def test_cryptosuite_downgrade_is_refused_by_the_callers_allowlist() -> None:
    legacy = _signed("Ed25519Signature2020")
    report = mc.verify(legacy, suites=["eddsa-rdfc-2022"])
    assert report.outcome == "invalid"
    assert _failed(report).get("proof.suite") == "failed"


def test_algorithm_downgrade_is_refused_by_the_callers_allowlist() -> None:
    token = mc.issue(_credential(), key(), format="jwt")
    report = mc.verify(token, algorithms=["ES256"])
    assert report.outcome == "invalid"
    assert "jwt.alg" in _failed(report)


def test_alg_none_and_hmac_confusion_are_never_accepted() -> None:
    payload = _b64(json.dumps({"iss": key().did, "vc": _credential()}).encode())
    unsigned = f"{_b64(json.dumps({'alg': 'none'}).encode())}.{payload}."
    assert mc.verify(unsigned + "x", algorithms=["none", "EdDSA"]).outcome == "invalid"
    header = _b64(json.dumps({"alg": "HS256", "kid": key().verification_method}).encode())
    secret = json.dumps(key().public_jwk()).encode()
    mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    report = mc.verify(f"{header}.{payload}.{_b64(mac)}", algorithms=["HS256", "EdDSA"])
    assert report.outcome == "invalid"
    assert "jwt.alg" in _failed(report)


# ------------------------------------------------------------------------ keys and proofs


def test_key_issuer_mismatch_is_invalid() -> None:
    other = keys.generate("Ed25519")
    signed = mc.issue(_credential(issuer=other.did), key(), allow_issuer_mismatch=True)
    report = mc.verify(signed)
    assert report.outcome == "invalid"
    assert _failed(report) == {"issuer": "failed"}


def test_verification_method_not_authorised_for_assertion_method() -> None:
    controller = "https://issuer.example/keys"
    method = f"{controller}#1"
    document = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": controller,
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": controller,
             "publicKeyMultibase": key().public_multikey()}
        ],
        "authentication": [method],  # not assertionMethod
    }  # fmt: skip

    class Signer:
        algorithm = "EdDSA"
        key_id = method

        def sign(self, data: bytes) -> bytes:
            return key().signer().sign(data)

    credential = _credential(issuer=controller)
    signed = mc.proofs.add_proof(
        credential,
        Signer(),
        mc.proofs.suite_by_name("eddsa-rdfc-2022"),
        key_type="Ed25519",
        created="2026-06-12T10:00:00Z",
    )
    report = mc.verify(signed, resolver=keys.StaticResolver([document]))
    assert report.outcome == "invalid"
    assert _failed(report) == {"proof.method": "failed"}


def test_proof_replay_on_a_different_document_fails_the_signature() -> None:
    first = _signed()
    second = _signed(id="urn:uuid:00000000-0000-4000-8000-000000000011")
    second["proof"] = first["proof"]
    report = mc.verify(second)
    assert report.outcome == "invalid"
    assert _failed(report) == {"proof.signature": "failed"}


def test_presentation_replay_with_another_challenge_or_domain_fails() -> None:
    holder = keys.generate("Ed25519")
    presentation = mc.present(
        [_signed()], holder, challenge="nonce-1", domain="https://verifier.example"
    )
    fine = mc.verify(presentation, challenge="nonce-1", domain="https://verifier.example")
    assert fine.verified
    for options in (
        {"challenge": "nonce-2", "domain": "https://verifier.example"},
        {"challenge": "nonce-1", "domain": "https://elsewhere.example"},
    ):
        report = mc.verify(presentation, **options)
        assert report.outcome == "invalid", options
        assert {"proof.challenge", "proof.domain"} & set(_failed(report)), options


def test_too_many_proofs_are_refused_before_any_canonicalization() -> None:
    signed = _signed()
    signed["proof"] = [signed["proof"]] * (DEFAULT_LIMITS.max_proofs + 1)
    report = mc.verify(signed)
    assert report.outcome == "invalid"
    assert "Limits.max_proofs" in report.failed[0].message


def _sd_base() -> dict[str, Any]:
    p256 = keys.generate("P-256")
    credential = {**_credential(), "issuer": p256.did}
    base: dict[str, Any] = mc.issue(
        credential, p256, suite="ecdsa-sd-2023", mandatory_pointers=["/issuer"]
    )
    return base


def test_selective_disclosure_a_base_proof_shown_to_a_verifier_is_refused() -> None:
    report = mc.verify(_sd_base())
    assert report.outcome == "invalid"
    assert "base proof" in report.failed[0].message


def test_hostile_selective_disclosure_proof_values_are_failed_checks() -> None:
    import cbor2

    derived = mc.derive(_sd_base(), ["/credentialSubject/name"])
    value = derived["proof"]["proofValue"]
    raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
    parts = cbor2.loads(raw[3:])
    hostile = {
        "tags": [parts[0], parts[1], parts[2], parts[3], [cbor2.CBORTag(2, b"\x01")]],
        "many signatures": [parts[0], parts[1], [bytes(64)] * 50_000, parts[3], parts[4]],
        "deep": [parts[0], parts[1], parts[2], parts[3], [[[[[0]]]]]],
    }
    for name, components in hostile.items():
        mangled = copy.deepcopy(derived)
        mangled["proof"]["proofValue"] = "u" + _b64(raw[:3] + cbor2.dumps(components))
        report = mc.verify(mangled)
        assert report.outcome == "invalid", name
        assert _failed(report).get("proof.signature") == "failed", (name, report)


# ------------------------------------------------------------------------ time and status


def test_expired_and_not_yet_valid_are_invalid() -> None:
    expired = _signed(validUntil="2026-02-01T00:00:00Z")
    assert _failed(mc.verify(expired, now=NOW)) == {"validity.valid_until": "failed"}
    future = _signed(validFrom="2030-01-01T00:00:00Z")
    assert _failed(mc.verify(future, now=NOW)) == {"validity.valid_from": "failed"}


def test_revoked_is_invalid() -> None:
    bits = status.Bitstring.new(status.MIN_LIST_BITS)
    bits.set(7, 1)
    url = "https://status.example/1"
    listed = mc.issue(status.status_list_credential(key().did, url, bits), key())
    revoked = _signed(credentialStatus=status.status_entry(url, 7))
    report = mc.verify(revoked, status=status.StaticStatusLists({url: listed}))
    assert report.outcome == "invalid"
    assert _failed(report) == {"status": "failed"}


def test_decompression_bomb_in_a_status_list_stops_at_the_limit() -> None:
    url = "https://status.example/bomb"
    bomb = "u" + _b64(gzip.compress(b"\0" * (DEFAULT_LIMITS.max_status_list_bytes + 1024)))
    listed = status.status_list_credential(
        key().did, url, status.Bitstring.new(status.MIN_LIST_BITS)
    )
    listed["credentialSubject"]["encodedList"] = bomb
    report = mc.verify(
        _signed(credentialStatus=status.status_entry(url, 1)),
        status=status.StaticStatusLists({url: mc.issue(listed, key())}),
    )
    assert report.outcome == "invalid"
    assert "decompresses to more than" in report.failed[0].message


# ------------------------------------------------------------------------ parsing


def test_svg_entity_expansion_is_refused() -> None:
    svg = (
        b'<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'
    )
    report = mc.verify(svg)
    assert report.outcome == "invalid"
    assert "refused" in report.failed[0].message


def test_very_long_or_deeply_nested_values_are_refused() -> None:
    levels = DEFAULT_LIMITS.max_json_depth + 1
    deep = '{"a":' * levels + "1" + "}" * levels
    report = mc.verify(deep)
    assert _failed(report) == {"parse": "failed"}
    assert "nesting exceeds" in report.failed[0].message
    small = replace(DEFAULT_LIMITS, max_input_bytes=1000)
    long_value = json.dumps(_credential(description="x" * 5000)).encode()
    assert _failed(mc.verify(long_value, limits=small)) == {"parse": "failed"}


def test_invalid_utf8_is_refused() -> None:
    text = json.dumps(_signed()).encode().replace(b"Ada", b"Ad\xff")
    assert _failed(mc.verify(text)) == {"parse": "failed"}


def test_duplicate_json_keys_are_refused() -> None:
    text = json.dumps(_signed())
    doubled = text.replace('"name": "Ada"', '"name": "Ada", "name": "Eve"')
    report = mc.verify(doubled)
    assert _failed(report) == {"parse": "failed"}
    assert "duplicate" in report.failed[0].message


def test_ssrf_defences_are_covered_by_the_network_tests() -> None:
    """did:web and status URLs only go through net.HttpsFetcher: https only, no private or
    loopback addresses, the resolved address pinned, same-host redirects (tests/test_net.py,
    against a local server on 127.0.0.1)."""
    from microcred.net import HttpsFetcher

    fetcher = HttpsFetcher()
    for url in ("http://issuer.example/did.json", "https://127.0.0.1/did.json",
                "https://10.0.0.1/did.json", "https://[::1]/did.json"):  # fmt: skip
        with pytest.raises(mc.errors.NetworkPolicyError):
            fetcher.fetch(url, accept="application/json", max_bytes=1000)


def test_a_baked_image_is_bounded_by_max_image_bytes_and_other_bytes_by_max_input_bytes() -> None:
    from microcred.baking import bake, tiny_png

    text = json.dumps(_signed())
    png = bake(tiny_png(), text)
    assert mc.verify(png).outcome == "verified"
    # larger than max_input_bytes, within max_image_bytes: read, and the text inside is judged
    # by max_input_bytes
    image_fits = replace(DEFAULT_LIMITS, max_input_bytes=len(text) + 1, max_image_bytes=len(png))
    assert len(png) > image_fits.max_input_bytes
    assert mc.verify(png, limits=image_fits).outcome == "verified"
    too_small = replace(DEFAULT_LIMITS, max_image_bytes=len(png) - 1)
    report = mc.verify(png, limits=too_small)
    assert _failed(report) == {"parse": "failed"}
    assert f"image is over the limit of {len(png) - 1} bytes" in report.failed[0].message


def test_guessable_learner_identifiers_are_left_out_by_default() -> None:
    """The personal identity number and e-mail: no credential carries them unless the issuer
    opts in; the keyed opt-in is no OB 3.0 hash, the salted one warns (the brute-force attack
    on every output is ``tests/test_privacy.py``)."""
    import warnings
    from pathlib import Path

    from microcred.model import MicroCredential
    from microcred.model.identity import IdentityPolicy, ReversibleIdentityWarning

    form = json.loads(
        (Path(__file__).parent.parent / "examples/data/annex-i-da123a.json").read_text()
    )
    micro = MicroCredential.model_validate(form)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReversibleIdentityWarning)  # none by default
        subject = micro.to_ob3(issuer_id="did:example:uni").to_json()["credentialSubject"]
    kinds = {i["identityType"] for i in subject["identifier"]}
    assert kinds.isdisjoint({"nationalIdentityNumber", "emailAddress"})
    keyed = IdentityPolicy(national_id="hmac", key=bytes(32))
    subject = micro.to_ob3(issuer_id="did:example:uni", identity=keyed).to_json()[
        "credentialSubject"
    ]
    hashes = [i["identityHash"] for i in subject["identifier"] if i.get("hashed")]
    assert [h.partition("$")[0] for h in hashes] == ["hmac-sha256"]
    with pytest.warns(ReversibleIdentityWarning, match="recover the value"):
        micro.to_ob3(issuer_id="did:example:uni", identity=IdentityPolicy(national_id="salted"))
