"""Enveloped credentials and presentations through the one pipeline.

VC Data Model 2.0 §4.13 ("Securing Mechanisms", enveloping proofs): an
``EnvelopedVerifiableCredential`` is an object whose ``id`` is a ``data:`` URL (RFC 2397)
carrying the secured credential; VC JOSE-COSE 1.0 §3.1.1/§3.1.2 name the media types
``application/vc+jwt`` and ``application/vp+jwt`` (the payload is the credential or
presentation, ``typ`` SHOULD be ``vc+jwt`` / ``vp+jwt``).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

import microcred as mc
from microcred import keys

from .conftest import ISSUER, NOW, VC_V2, badge, failed, token

HOLDER = keys.generate("Ed25519")


def _vc_jwt(**members: Any) -> str:
    jwt: str = mc.issue(badge(**members), ISSUER, format="jwt", jwt_form="vc+jwt")
    return jwt


def envelope(data_url: str, kind: str = "EnvelopedVerifiableCredential") -> dict[str, Any]:
    return {"@context": VC_V2, "type": kind, "id": data_url}


def test_an_enveloped_vc_jwt_verifies_through_the_pipeline() -> None:
    report = mc.verify(envelope(f"data:application/vc+jwt,{_vc_jwt()}"), now=NOW)
    assert report.verified, report
    assert report.kind == "credential"
    assert report.check("envelope") is not None
    assert report.check("envelope").status == "passed"  # type: ignore[union-attr]
    assert report.check("jwt.signature").status == "passed"  # type: ignore[union-attr]
    assert report.document is not None
    assert report.document["name"] == "Basic Swedish"


def test_a_base64_data_url_verifies_too() -> None:
    encoded = base64.b64encode(_vc_jwt().encode()).decode()
    report = mc.verify(envelope(f"data:application/vc+jwt;base64,{encoded}"), now=NOW)
    assert report.verified, report


def test_a_tampered_enveloped_token_is_invalid_by_its_signature() -> None:
    header, payload, signature = _vc_jwt().split(".")
    forged = f"{header}.{payload[:-4]}AAAA.{signature}"
    report = mc.verify(envelope(f"data:application/vc+jwt,{forged}"), now=NOW)
    assert not report.verified
    assert report.outcome == "invalid"


def test_an_expired_enveloped_credential_fails_the_shared_validity_check() -> None:
    report = mc.verify(
        envelope(f"data:application/vc+jwt,{_vc_jwt(validUntil='2026-07-01T00:00:00Z')}"), now=NOW
    )
    assert failed(report, "validity.valid_until")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("data:text/plain,eyJhbGciOiJFZERTQSJ9.e30.AA", "unsupported media type 'text/plain'"),
        # VC JOSE-COSE PR 306 renamed the drafts' application/vc-ld+jwt to application/vc+jwt
        ("data:application/vc-ld+jwt,eyJhbGciOiJFZERTQSJ9.e30.AA", "names it application/vc+jwt"),
        ("https://example.com/vc.jwt", "not a data: URL"),
        ("data:application/vc+jwt;base64,!!!notbase64!!!", "not valid base64"),
        ("data:application/vc+jwt,not-a-token", "not a compact JWS"),
        ("data:application/vp+jwt,eyJhbGciOiJFZERTQSJ9.e30.AA", "cannot carry application/vp+jwt"),
    ],
)
def test_hostile_data_urls_fail_the_envelope_check(url: str, message: str) -> None:
    report = mc.verify(envelope(url), now=NOW)
    assert report.outcome == "invalid"
    (check,) = failed(report, "envelope")
    assert message in check.message


def test_a_huge_envelope_is_refused_by_the_jwt_limit() -> None:
    limits = mc.Limits(max_jwt_bytes=1000)
    huge = "data:application/vc+jwt," + "A" * 5000 + ".e30.AA"
    report = mc.verify(envelope(huge), now=NOW, limits=limits)
    (check,) = failed(report, "envelope")
    assert "over the limit of 1000 bytes" in check.message


@pytest.mark.parametrize("media", ["application/vc+sd-jwt", "application/vc+cose"])
def test_a_mechanism_microcred_does_not_implement_is_indeterminate(media: str) -> None:
    report = mc.verify(envelope(f"data:{media},eyJhbGciOiJFZERTQSJ9.e30.AA"), now=NOW)
    assert report.outcome == "indeterminate"
    (check,) = failed(report, "envelope")
    assert check.status == "error"
    assert media in check.message


def test_an_envelope_without_the_v2_context_fails() -> None:
    document = envelope(f"data:application/vc+jwt,{_vc_jwt()}")
    document["@context"] = "https://www.w3.org/2018/credentials/v1"
    (check,) = failed(mc.verify(document, now=NOW), "envelope")
    assert check.path == "$.@context"


def test_an_envelope_whose_token_carries_a_presentation_fails() -> None:
    presentation = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": ISSUER.did,
    }
    vp = token(
        {"alg": "EdDSA", "kid": ISSUER.verification_method, "typ": "vp+jwt"}, presentation, ISSUER
    )
    # the media type says a credential: the token's own typ says a presentation
    report = mc.verify(envelope(f"data:application/vc+jwt,{vp}"), now=NOW)
    assert not report.verified
    assert failed(report, "format") or failed(report, "envelope")


def _vp_jwt(credentials: list[Any]) -> str:
    presentation = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.did,
        "verifiableCredential": credentials,
    }
    header = {"alg": "EdDSA", "kid": HOLDER.verification_method, "typ": "vp+jwt", "cty": "vp"}
    return token(header, presentation, HOLDER)


def test_an_enveloped_presentation_with_enveloped_credentials_verifies_recursively() -> None:
    inner = envelope(f"data:application/vc+jwt,{_vc_jwt()}")
    outer = envelope(
        f"data:application/vp+jwt,{_vp_jwt([inner])}", "EnvelopedVerifiablePresentation"
    )
    report = mc.verify(outer, now=NOW)
    assert report.verified, report
    assert report.kind == "presentation"
    (credential,) = report.credentials
    assert credential.verified
    assert credential.check("envelope") is not None


def test_a_bad_credential_inside_an_enveloped_presentation_fails_it() -> None:
    inner = envelope("data:application/vc+jwt,not-a-token")
    outer = envelope(
        f"data:application/vp+jwt,{_vp_jwt([inner])}", "EnvelopedVerifiablePresentation"
    )
    report = mc.verify(outer, now=NOW)
    assert not report.verified
    (credential,) = report.credentials
    assert failed(credential, "envelope")


def test_a_presentation_enveloped_where_a_credential_belongs_fails() -> None:
    nested = envelope(f"data:application/vp+jwt,{_vp_jwt([])}", "EnvelopedVerifiablePresentation")
    outer = envelope(
        f"data:application/vp+jwt,{_vp_jwt([nested])}", "EnvelopedVerifiablePresentation"
    )
    report = mc.verify(outer, now=NOW)
    assert not report.verified
    (credential,) = report.credentials
    assert [c.message for c in failed(credential, "format")] == [
        "verifiableCredential holds a presentation"
    ]


def test_an_enveloped_credential_as_json_bytes_verifies(tmp_path: Any) -> None:
    path = tmp_path / "enveloped.json"
    path.write_text(json.dumps(envelope(f"data:application/vc+jwt,{_vc_jwt()}")))
    report = mc.verify(path.read_bytes(), now=NOW)
    assert report.verified


def test_a_data_integrity_presentation_of_an_enveloped_jwt_verifies() -> None:
    # mc.present carries a JWT as an EnvelopedVerifiableCredential with its own @context:
    # the strict reading reads it as an embedded credential, not as a context changed halfway
    presentation = mc.present([_vc_jwt()], HOLDER, challenge="c-1", domain="verifier.example")
    report = mc.verify(presentation, now=NOW, challenge="c-1", domain="verifier.example")
    assert report.verified, report
    (credential,) = report.credentials
    assert credential.check("envelope").status == "passed"  # type: ignore[union-attr]


def test_members_beside_the_envelope_are_not_read_and_are_warned_about() -> None:
    document = envelope(f"data:application/vc+jwt,{_vc_jwt()}")
    document["name"] = "Advanced Swedish"  # not signed
    report = mc.verify(document, now=NOW)
    assert report.verified
    assert report.document is not None
    assert report.document["name"] == "Basic Swedish"
    assert [w.id for w in report.warnings] == ["envelope"]
    assert "name" in report.warnings[0].message
