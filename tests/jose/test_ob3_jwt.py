"""The Open Badges 3.0 JWT (``jwt_form="ob3"``), the default JWT for OB 3.0 / CLR 2.0.

Open Badges 3.0 §8.2 "JSON Web Token Proof Format" (1EdTech, openbadges-specification,
ob_v3p0 integrity section):

* §8.2.3 Create the JOSE Header: ``alg`` (required), ``kid`` / ``jwk``, ``typ`` ("If present,
  MUST be set to "JWT""); "Additional JOSE Headers are NOT allowed."
* §8.2.4 JWT Payload Format: "The JWT Payload is the JSON object of the OpenBadgeCredential
  with the following properties (JWT Claims)": ``exp`` ("The validUntil property ...
  Required if the OpenBadgeCredential has an validUntil"), ``iss`` ("The issuer.id
  property"), ``jti`` ("The id property"), ``nbf`` ("The validFrom property"), ``sub`` ("The
  credentialSubject.id property").
* §8.2.6 Verify: "Credentials created following [VC-DATA-MODEL-1.1] store the
  OpenBadgeCredential in the vc claim" (still read); §8.2.6.1: "The JSON object MUST have the
  iss claim, and the value MUST match the issuer.id ... If they do not match, the credential
  is not valid" (and so for ``sub``, ``nbf``, ``jti``).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from tests._credentials import badge as shared_badge

import microcred as mc
from microcred import jose, keys
from microcred.cli import main

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
KEY = keys.generate("Ed25519")


def badge(issuer: str = KEY.did, **members: Any) -> dict[str, Any]:
    return shared_badge(issuer, **members)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def decoded(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload = jose.decode_unverified(token)
    return header, payload


def signed(header: dict[str, Any], payload: dict[str, Any], key: keys.KeyPair = KEY) -> str:
    """A token microcred would not make, signed with ``key``'s own signer."""
    protected = b64(json.dumps(header).encode())
    body = b64(json.dumps(payload).encode())
    signature = key.signer(header["alg"]).sign(f"{protected}.{body}".encode())
    return f"{protected}.{body}.{b64(signature)}"


def seconds(moment: str) -> int:
    return int(datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp())


def problems(report: mc.VerificationReport) -> dict[str, str]:
    return {c.id: c.message for c in report.failed}


def test_the_default_jwt_of_an_ob3_credential_is_the_spec_form() -> None:
    credential = badge(validUntil="2030-06-01T10:00:00Z")
    token = mc.issue(credential, KEY, format="jwt")
    header, payload = decoded(token)
    # §8.2.3: alg, kid, typ JWT, and no other JOSE header
    assert header == {"alg": "EdDSA", "kid": KEY.verification_method, "typ": "JWT"}
    # §8.2.4: the payload is the credential, with the registered claims added
    assert "vc" not in payload
    assert jose.credential_of_payload(payload) == credential
    assert payload["iss"] == KEY.did  # issuer.id
    assert payload["jti"] == credential["id"]
    assert payload["sub"] == "did:example:learner"
    assert payload["nbf"] == seconds("2026-06-01T10:00:00Z")
    assert payload["exp"] == seconds("2030-06-01T10:00:00Z")  # with validUntil
    report = mc.verify(token, now=NOW)
    assert report.verified, report.failed
    assert report.format == "jwt"
    assert report.document == credential  # the claims are not part of the credential
    assert jose.credential_unverified(token) == credential


def test_no_exp_without_valid_until() -> None:
    _, payload = decoded(mc.issue(badge(), KEY, format="jwt"))
    assert "exp" not in payload
    assert set(payload) - set(badge()) == {"iss", "jti", "nbf", "sub"}


@pytest.mark.parametrize(
    ("types", "context", "expected"),
    [
        (["VerifiableCredential", "OpenBadgeCredential"], [VC_V2, OB3], "ob3"),
        (["VerifiableCredential", "AchievementCredential"], [VC_V2, OB3], "ob3"),
        (["VerifiableCredential", "EndorsementCredential"], [VC_V2, OB3], "ob3"),
        (["VerifiableCredential", "ClrCredential"], [VC_V2], "ob3"),
        (["VerifiableCredential", "OpenBadgeCredential"], [VC_V1, OB3], "ob3"),
        (["VerifiableCredential"], [VC_V2], "vc-jwt"),
        (["VerifiableCredential", "UniversityDegreeCredential"], [VC_V1], "vc-jwt"),
    ],
)
def test_which_form_is_the_default(types: list[str], context: list[str], expected: str) -> None:
    assert jose.default_jwt_form({"@context": context, "type": types}) == expected


def test_a_vc_11_open_badge_maps_issuance_and_expiration_dates() -> None:
    """OB 3.0 §8.2.6 note: VC 1.1 credentials have issuanceDate / expirationDate instead."""
    credential = badge(**{"@context": [VC_V1, OB3]})
    del credential["validFrom"]
    credential.update(issuanceDate="2026-06-01T10:00:00Z", expirationDate="2031-01-01T00:00:00Z")
    _, payload = decoded(jose.issue_jwt(credential, KEY))
    assert payload["nbf"] == seconds("2026-06-01T10:00:00Z")
    assert payload["exp"] == seconds("2031-01-01T00:00:00Z")
    assert "vc" not in payload


def test_the_vc_claim_form_stays_available_and_verifies() -> None:
    credential = badge()
    token = mc.issue(credential, KEY, format="jwt", jwt_form="vc-jwt")
    header, payload = decoded(token)
    assert header["typ"] == "JWT"
    assert payload["vc"] == credential
    report = mc.verify(token, now=NOW)
    assert report.verified, report.failed
    assert report.document == credential


def test_a_plain_credential_keeps_the_vc_claim_by_default() -> None:
    plain = {
        "@context": [VC_V2],
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "validFrom": "2026-06-01T10:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    _, payload = decoded(mc.issue(plain, KEY, format="jwt"))
    assert payload["vc"] == plain


@pytest.mark.parametrize("form", ["ob3", "vc-jwt"])
@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "did:example:someone-else"),
        ("jti", "urn:uuid:00000000-0000-4000-8000-000000000000"),
        ("sub", "did:example:another-learner"),
        ("nbf", 1_700_000_000),
        ("exp", 1_900_000_000),
    ],
)
def test_a_claim_that_disagrees_with_the_credential_fails(
    form: str, claim: str, value: Any
) -> None:
    """§8.2.6.1: "If they do not match, the credential is not valid" (both forms)."""
    credential = badge(validUntil="2030-06-01T10:00:00Z")
    _, payload = decoded(mc.issue(credential, KEY, format="jwt", jwt_form=form))
    payload[claim] = value
    header = {"alg": "EdDSA", "kid": KEY.verification_method, "typ": "JWT"}
    report = mc.verify(signed(header, payload), now=NOW)
    assert not report.verified
    assert "jwt.claims" in problems(report), report.failed
    assert problems(report)["jwt.claims"].startswith(f"{claim} is ")


@pytest.mark.parametrize("form", ["ob3", "vc-jwt"])
@pytest.mark.parametrize("claim", ["iss", "jti", "nbf", "sub", "exp"])
def test_a_required_claim_missing_fails(form: str, claim: str) -> None:
    """§8.2.6.1: "The JSON object MUST have the iss claim" (and nbf, jti, sub; exp is
    "Required if the OpenBadgeCredential has an validUntil")."""
    credential = badge(validUntil="2030-06-01T10:00:00Z")
    _, payload = decoded(mc.issue(credential, KEY, format="jwt", jwt_form=form))
    del payload[claim]
    header = {"alg": "EdDSA", "kid": KEY.verification_method, "typ": "JWT"}
    report = mc.verify(signed(header, payload), now=NOW)
    assert not report.verified
    assert f"the {claim} claim is missing" in problems(report)["jwt.claims"]


def test_a_claim_for_what_the_credential_lacks_fails() -> None:
    credential = badge()
    del credential["id"]
    _, payload = decoded(mc.issue(credential, KEY, format="jwt"))
    assert "jti" not in payload
    payload["jti"] = "urn:uuid:6a1e3c1e-4f0c-4f5b-9f3e-0c1d2e3f4a5b"
    header = {"alg": "EdDSA", "kid": KEY.verification_method, "typ": "JWT"}
    report = mc.verify(signed(header, payload), now=NOW)
    assert "jti is present" in problems(report)["jwt.claims"]


def test_a_credential_member_named_like_a_claim_is_refused_when_signing() -> None:
    with pytest.raises(ValueError, match="named like a JWT claim: iss"):
        mc.issue(badge(iss="did:example:other"), KEY, format="jwt", jwt_form="ob3")
    with pytest.raises(ValueError, match="unknown jwt_form"):
        mc.issue(badge(), KEY, format="jwt", jwt_form="ob2")


def test_the_ob3_form_is_tamper_evident() -> None:
    token = mc.issue(badge(), KEY, format="jwt")
    _header, payload = decoded(token)
    payload["name"] = "Advanced Swedish"
    forged = ".".join([token.split(".")[0], b64(json.dumps(payload).encode()), token.split(".")[2]])
    report = mc.verify(forged, now=NOW)
    assert "jwt.signature" in problems(report)


def test_cli_issue_jwt_forms(tmp_path: Path) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(KEY.to_json())
    source = tmp_path / "badge.json"
    source.write_text(json.dumps(badge()))
    for form, has_vc in ((None, False), ("ob3", False), ("vc-jwt", True)):
        out = tmp_path / f"{form}.jwt"
        argv = ["issue", str(source), "--key", str(key_file), "--format", "jwt", "-o", str(out)]
        if form is not None:
            argv += ["--jwt-form", form]
        assert main(argv) == 0
        _, payload = decoded(out.read_text().strip())
        assert ("vc" in payload) is has_vc
        assert main(["verify", str(out), "--now", "2026-12-01T00:00:00Z"]) == 0
