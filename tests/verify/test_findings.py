"""One regression test per finding of the issue "Verified must mean what was signed".

Each reproduces the attack (or the lax reading) on a credential whose signature is genuine
and asserts the outcome and the check that decides it. Every one of them was VERIFIED (or
crashed) before the strict reading rule and the one verification pipeline.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

import microcred as mc
from microcred import errors, keys, proofs, status
from microcred.cli import main
from microcred.model import MicroCredential

from .conftest import (
    CRED,
    ISSUER,
    NOW,
    OBV,
    VC_V2,
    XSD_DATETIME,
    add_context,
    badge,
    failed,
    rewritten,
    signed_badge,
    token,
)

# --- 1. unsigned content shown as verified (a term mapped to a blank node) ----------------


def _forged_annex(document: dict[str, Any]) -> dict[str, Any]:
    forged = rewritten(document)
    add_context(forged, {"euMicroCredential": {"@id": "_:x", "@type": "@json"}})
    forged["credentialSubject"]["achievement"]["euMicroCredential"] = {
        "type": "EuMicroCredential",
        "title": {"en": "PhD in Medicine"},
    }
    return forged


def test_1_a_term_mapped_to_a_blank_node_is_refused() -> None:
    signed = signed_badge()
    forged = _forged_annex(signed)
    report = mc.verify(forged, now=NOW)
    assert report.outcome == "invalid"
    [check] = failed(report, "contexts")
    assert "embedded context" in check.message
    # allowed by the caller, the embedded context is still refused: it maps a term to a
    # blank node, so what is under it is not signed
    report = mc.verify(forged, now=NOW, allow_inline_contexts=True)
    assert report.outcome == "invalid"
    [check] = failed(report, "contexts")
    assert "blank node" in check.message
    assert report.check("proof.signature") is None  # refused before any signature is checked


def test_1_the_reader_never_gets_the_forged_title_from_a_verified_report() -> None:
    signed = signed_badge()
    assert MicroCredential.from_ob3(signed).title_in("en") != "PhD in Medicine"
    for allow in (False, True):
        report = mc.verify(_forged_annex(signed), now=NOW, allow_inline_contexts=allow)
        assert not report.verified


# --- 2. a type written as its full IRI escapes the type-scoped context --------------------


def test_2_a_type_written_as_an_iri_with_a_redefined_term_is_refused() -> None:
    signed = signed_badge()
    forged = rewritten(signed)
    subject = forged["credentialSubject"]
    subject["type"] = [OBV + "AchievementSubject"]
    real = subject.pop("achievement")
    subject[OBV + "achievement"] = real
    subject["achievement"] = {**real, "name": "PhD in Medicine"}
    add_context(forged, {"achievement": {"@id": "_:forged", "@type": "@json"}})
    for allow in (False, True):
        report = mc.verify(forged, now=NOW, allow_inline_contexts=allow)
        assert report.outcome == "invalid", report
        [check] = failed(report, "contexts")
        assert ("allow_inline_contexts=True" in check.message) != allow
    # the type IRI alone (no embedded context): the term names that type, so it is refused
    alone = rewritten(signed)
    alone["credentialSubject"]["type"] = [OBV + "AchievementSubject"]
    report = mc.verify(alone, now=NOW)
    assert report.outcome == "invalid"
    [check] = failed(report, "contexts")
    assert "'AchievementSubject'" in check.message
    assert check.path == "$.credentialSubject.type[0]"


# --- 3. checks blind to full-IRI keys ------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "value", "check_id"),
    [
        ("validUntil", "2026-07-01T00:00:00Z", "validity.valid_until"),  # expired
        ("validFrom", "2030-01-01T00:00:00Z", "validity.valid_from"),  # not yet valid
    ],
)
def test_3_a_date_written_under_its_full_iri_is_refused(
    member: str, value: str, check_id: str
) -> None:
    signed = signed_badge(**{member: value})
    plain = mc.verify(signed, now=NOW)
    assert plain.outcome == "invalid"
    assert failed(plain, check_id)
    hidden = rewritten(signed)
    hidden[CRED + member] = {"@value": hidden.pop(member), "@type": XSD_DATETIME}
    report = mc.verify(hidden, now=NOW)
    assert report.outcome == "invalid"
    [check] = failed(report, "contexts")
    assert f"the term {member!r} names this property" in check.message
    assert check.path == f"$['{CRED}{member}']"  # the member at fault
    assert report.check(check_id) is None


def test_3_a_status_written_under_its_full_iri_does_not_bypass_the_status_check() -> None:
    entry = status.status_entry("https://uni.example/status/1", 7)
    signed = signed_badge(credentialStatus=entry)
    hidden = rewritten(signed)
    hidden[CRED + "credentialStatus"] = hidden.pop("credentialStatus")
    report = mc.verify(hidden, now=NOW, require_status=True)
    assert report.outcome == "invalid"
    [check] = failed(report, "contexts")
    assert "credentialStatus" in check.message


# --- 4. the key relationship chosen by the payload ----------------------------------------

AUTH_ONLY = keys.generate("Ed25519")
AUTH_ISSUER = "https://uni.example/issuers/auth-only"


def _auth_only_controller() -> keys.StaticResolver:
    """A trusted controller document that authorises the key for authentication only."""
    method = AUTH_ONLY.verification_method_document()
    method["id"] = f"{AUTH_ISSUER}#key-1"
    method["controller"] = AUTH_ISSUER
    document = {"id": AUTH_ISSUER, "verificationMethod": [method], "authentication": [method["id"]]}
    return keys.StaticResolver([document])


def test_4_a_decoy_vp_claim_does_not_choose_the_relationship() -> None:
    credential = badge(issuer=AUTH_ISSUER)
    header = {"alg": "EdDSA", "kid": f"{AUTH_ISSUER}#key-1", "typ": "JWT"}
    honest = token(header, {"iss": AUTH_ISSUER, "vc": credential}, AUTH_ONLY)
    report = mc.verify(honest, now=NOW, resolver=_auth_only_controller())
    assert report.outcome == "invalid"
    [check] = failed(report, "jwt.key")
    assert "not authorised for assertionMethod" in check.message
    decoy = {"type": ["VerifiablePresentation"], "holder": AUTH_ISSUER}
    with_decoy = token(header, {"iss": AUTH_ISSUER, "vc": credential, "vp": decoy}, AUTH_ONLY)
    report = mc.verify(with_decoy, now=NOW, resolver=_auth_only_controller())
    assert report.outcome == "invalid"
    [check] = failed(report, "jwt.header")
    assert "both a vc and a vp claim" in check.message


# --- 5. crashes on proof members of the wrong JSON type -----------------------------------


@pytest.mark.parametrize("member", ["cryptosuite", "type"])
@pytest.mark.parametrize("value", [["eddsa-rdfc-2022"], {"name": "eddsa-rdfc-2022"}, 7, None])
def test_5_a_proof_suite_of_another_json_type_is_a_failed_check(member: str, value: Any) -> None:
    signed = signed_badge()
    broken = rewritten(signed)
    if member == "type":
        del broken["proof"][0]["cryptosuite"]
    broken["proof"][0][member] = value
    report = mc.verify(broken, now=NOW)
    assert report.outcome == "invalid"
    assert failed(report, "proof.suite")


def test_5_the_cli_reports_the_bad_file_and_goes_on_with_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed = signed_badge()
    broken = rewritten(signed)
    broken["proof"][0]["cryptosuite"] = ["eddsa-rdfc-2022"]
    (tmp_path / "a-broken.json").write_text(json.dumps(broken))
    (tmp_path / "b-good.json").write_text(json.dumps(signed))
    code = main(
        ["verify", "--json", str(tmp_path / "a-broken.json"), str(tmp_path / "b-good.json")]
    )
    assert code == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["outcome"] for line in lines] == ["invalid", "verified"]
    assert any(c["id"] == "proof.suite" and c["status"] == "failed" for c in lines[0]["checks"])


# --- 6. routes that disagree ---------------------------------------------------------------


def test_6_an_issuer_listing_its_key_is_bound_on_both_routes() -> None:
    issuer = "https://uni.example/issuers/1"
    listing = keys.StaticResolver([{"id": issuer, "assertionMethod": [ISSUER.verification_method]}])
    credential = badge(issuer=issuer)
    as_di = mc.issue(credential, ISSUER, allow_issuer_mismatch=True)
    as_jwt = mc.issue(credential, ISSUER, format="jwt", allow_issuer_mismatch=True)
    for secured in (as_di, as_jwt):
        report = mc.verify(secured, now=NOW, resolver=listing)
        assert report.outcome == "verified", report.failed
        issuer_check = report.check("issuer")
        assert issuer_check is not None
        assert "lists the signing key" in issuer_check.message


def test_6_a_status_list_signed_as_a_jwt_is_held_to_the_callers_algorithms() -> None:
    list_url = "https://uni.example/status/jwt"
    p256 = keys.generate("P-256")
    bits = status.Bitstring.new()
    listed = status.status_list_credential(
        p256.did, list_url, bits, valid_from="2026-01-01T00:00:00Z"
    )
    list_token = mc.issue(listed, p256, format="jwt")
    credential = mc.issue(
        badge(issuer=p256.did, credentialStatus=status.status_entry(list_url, 3)),
        p256,
        format="jwt",
    )
    lists = status.StaticStatusLists({list_url: list_token})
    assert mc.verify(credential, now=NOW, status=lists).verified
    # the caller accepts only ES384: the credential's own ES256 is refused, and so is the list's
    report = mc.verify(credential, now=NOW, status=lists, algorithms=["ES384"])
    assert failed(report, "jwt.alg")
    as_di = mc.issue(
        badge(issuer=p256.did, credentialStatus=status.status_entry(list_url, 3)), p256
    )
    report = mc.verify(as_di, now=NOW, status=lists, algorithms=["ES384"])
    assert report.outcome == "indeterminate"
    [check] = failed(report, "status")
    assert "does not verify" in check.message
    assert "jwt.alg" in check.message


# --- 7. revoked shown as verified: status by default ---------------------------------------

LIST_URL = "https://uni.example/status/revocation"


def _revoked_pair(index: int = 5) -> tuple[dict[str, Any], dict[str, Any]]:
    bits = status.Bitstring.new()
    bits.set(index, 1)
    listed = mc.issue(
        status.status_list_credential(
            ISSUER.did, LIST_URL, bits, valid_from="2026-01-01T00:00:00Z"
        ),
        ISSUER,
    )
    credential = signed_badge(credentialStatus=status.status_entry(LIST_URL, index))
    return credential, listed


def test_7_a_status_that_was_not_checked_is_not_verified() -> None:
    credential, listed = _revoked_pair()
    report = mc.verify(credential, now=NOW)
    assert report.outcome == "indeterminate"
    [check] = failed(report, "status")
    assert check.status == "error"
    revoked = mc.verify(credential, now=NOW, status=status.StaticStatusLists({LIST_URL: listed}))
    assert revoked.outcome == "invalid"
    [check] = failed(revoked, "status")
    assert "revoked" in check.message
    unchecked = mc.verify(credential, now=NOW, check_status=False)
    assert unchecked.verified
    assert [w.id for w in unchecked.warnings] == ["status"]


def test_7_the_cli_checks_status_offline_and_says_when_it_did_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credential, listed = _revoked_pair()
    (tmp_path / "cred.json").write_text(json.dumps(credential))
    (tmp_path / "list.json").write_text(json.dumps(listed))
    now = ["--now", "2026-12-01T00:00:00Z"]
    assert main(["verify", "--json", *now, str(tmp_path / "cred.json")]) == 1
    line = json.loads(capsys.readouterr().out)
    assert line["outcome"] == "indeterminate"
    assert [c["status"] for c in line["checks"] if c["id"] == "status"] == ["error"]
    with_list = ["--status-list", f"{LIST_URL}={tmp_path / 'list.json'}"]
    assert main(["verify", "--json", *now, *with_list, str(tmp_path / "cred.json")]) == 1
    line = json.loads(capsys.readouterr().out)
    assert line["outcome"] == "invalid"
    assert any("revoked" in c["message"] for c in line["checks"] if c["id"] == "status")
    assert main(["verify", *now, "--no-status", str(tmp_path / "cred.json")]) == 0
    text = capsys.readouterr().out
    assert "VERIFIED" in text
    assert "warning: status:" in text


def test_7_the_published_revoked_fixture_is_not_verified(
    shared_standards: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = shared_standards / "examples/validator-fixtures/ob30/credential-status-revoked.json"
    document = json.loads(fixture.read_text())
    method = (
        document["proof"][0]["verificationMethod"]
        if isinstance(document["proof"], list)
        else document["proof"]["verificationMethod"]
    )
    from microcred.testing import controller_document

    (tmp_path / "controller.json").write_text(
        json.dumps(controller_document(method, method.split("#", 1)[1]))
    )
    args = ["verify", "--json", "--controller-doc", str(tmp_path / "controller.json")]
    assert main([*args, str(fixture)]) == 1
    line = json.loads(capsys.readouterr().out)
    assert line["outcome"] == "indeterminate"
    assert [c["status"] for c in line["checks"] if c["id"] == "status"] == ["error"]


# --- 8. lax reading ------------------------------------------------------------------------


def test_8_valid_from_without_a_time_zone_is_invalid_in_vc_2() -> None:
    signed = signed_badge(validFrom="2026-06-01T10:00:00")
    report = mc.verify(signed, now=NOW)
    assert report.outcome == "invalid"
    [check] = failed(report, "validity.valid_from")
    assert "no time zone" in check.message


def _list_with(encoded: str) -> dict[str, Any]:
    listed = status.status_list_credential(
        ISSUER.did, LIST_URL, status.Bitstring.new(), valid_from="2026-01-01T00:00:00Z"
    )
    listed["credentialSubject"]["encodedList"] = encoded
    signed: dict[str, Any] = mc.issue(listed, ISSUER)
    return signed


def test_8_an_encoded_list_with_bytes_after_the_gzip_stream_is_malformed() -> None:
    raw = gzip.compress(bytes(status.MIN_LIST_BITS // 8), mtime=0) + b"\x00trailing"
    encoded = "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
    credential = signed_badge(credentialStatus=status.status_entry(LIST_URL, 1))
    report = mc.verify(
        credential, now=NOW, status=status.StaticStatusLists({LIST_URL: _list_with(encoded)})
    )
    assert report.outcome == "invalid"
    [check] = failed(report, "status")
    assert "after the GZIP stream" in check.message


def test_8_a_status_list_index_as_a_json_number_is_malformed() -> None:
    entry = {**status.status_entry(LIST_URL, 1), "statusListIndex": 1}
    credential = signed_badge(credentialStatus=entry)
    listed = _list_with(status.Bitstring.new().encode())
    report = mc.verify(credential, now=NOW, status=status.StaticStatusLists({LIST_URL: listed}))
    assert report.outcome == "invalid"
    [check] = failed(report, "status")
    assert "JSON number" in check.message


def test_8_the_vc_base_context_must_come_first() -> None:
    unsigned = badge()
    unsigned["@context"] = list(reversed(unsigned["@context"]))
    with pytest.raises(ValueError, match="first"):
        mc.issue(unsigned, ISSUER)
    # signed below the library's own checks (as another implementation might)
    signed = proofs.add_proof(
        unsigned,
        ISSUER.signer(),
        proofs.suite_by_name("eddsa-rdfc-2022"),
        key_type="Ed25519",
        created="2026-06-01T10:00:00Z",
    )
    report = mc.verify(signed, now=NOW)
    assert report.outcome == "invalid"
    [check] = failed(report, "contexts")
    assert "first" in check.message


@pytest.mark.parametrize(
    ("header", "claims", "message"),
    [
        ({"typ": "vc+jwt", "cty": "vc"}, "vc", "MUST NOT be present"),
        ({"typ": "vc+jwt", "cty": "vp"}, None, "does not fit"),
        ({"typ": "vp+jwt"}, None, "carries a credential, not a presentation"),
        ({"typ": "JWT", "cty": "vc"}, "vc", "is not used by a typ JWT token"),
        ({"typ": "application/json"}, None, "not a credential or presentation token type"),
    ],
)
def test_8_jwt_typ_and_cty_are_checked_per_form(
    header: dict[str, Any], claims: str | None, message: str
) -> None:
    credential = badge()
    payload: dict[str, Any] = {"vc": credential} if claims else dict(credential)
    compact = token({"alg": "EdDSA", "kid": ISSUER.verification_method, **header}, payload, ISSUER)
    report = mc.verify(compact, now=NOW)
    assert report.outcome == "invalid"
    check = next(c for c in report.checks if c.status == "failed")
    assert check.id in ("jwt.header", "format")
    assert message in check.message


def test_8_a_jwt_is_not_signed_with_what_data_integrity_refuses() -> None:
    undefined = badge(courseRoom="B 204")  # no context defines courseRoom
    with pytest.raises(errors.SafeModeError, match="courseRoom"):
        mc.issue(undefined, ISSUER)
    with pytest.raises(errors.SafeModeError, match="courseRoom"):
        mc.issue(undefined, ISSUER, format="jwt")


def test_8_one_context_listed_a_thousand_times_is_refused_before_processing() -> None:
    signed = signed_badge()
    for times, message in ((1000, "Limits.max_contexts"), (3, "twice")):
        repeated = rewritten(signed)
        repeated["@context"] = [VC_V2] + [repeated["@context"][1]] * times
        report = mc.verify(repeated, now=NOW)
        assert report.outcome == "invalid"
        [check] = failed(report, "contexts")
        assert message in check.message
    many = rewritten(signed)
    # distinct entries beyond Limits.max_contexts
    many["credentialSubject"]["achievement"]["@context"] = [
        {f"t{i}": f"https://example.org/t{i}"} for i in range(200)
    ]
    report = mc.verify(many, now=NOW, allow_inline_contexts=True)
    assert report.outcome == "invalid"
    [check] = failed(report, "contexts")
    assert "Limits.max_contexts" in check.message
