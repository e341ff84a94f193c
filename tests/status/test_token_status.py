"""IETF Token Status List (microcred.status._token; draft-ietf-oauth-status-list).

Readings of the draft these tests pin (oauth-wg/draft-ietf-oauth-status-list):

* §4.1: "The bits within an array are counted from least significant bit "0" to the most
  significant bit ("7")"; "The byte array is compressed using DEFLATE [RFC1951] with the
  ZLIB [RFC1950] data format". Its example: 16 one-bit statuses 1,0,0,1,1,1,0,1,1,1,0,0,0,1,0,1
  are the bytes 0xB9 0xA3, ``lst`` "eNrbuRgAAhcBXQ"; the two-bit example statuses
  1,2,0,3,0,1,0,1,1,2,3,3 are 0xC9 0x44 0xF9, ``lst`` "eNo76fITAAPfAgc".
* §5.1: ``typ`` "MUST be statuslist+jwt"; ``sub`` "MUST be equal to that of the uri claim
  contained in the status_list claim of the Referenced Token"; ``iss`` "MUST be equal to that
  of the iss claim contained within the Referenced Token"; "Relying parties MUST reject the
  JWT if it is using a Message Authentication Code (MAC) algorithm".
* §7.1: 0x00 VALID, 0x01 INVALID ("revoked ... irreversible"), 0x02 SUSPENDED.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._credentials import badge as shared_badge

import microcred as mc
from microcred import Limits, keys, status
from microcred.errors import InputTooLargeError, MalformedInputError
from microcred.report import VerificationReport
from microcred.verify._body import check_status
from microcred.verify._options import VerifyOptions

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
URI = "https://status.example/tokens/1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ISSUER = keys.generate("Ed25519")
OTHER = keys.generate("Ed25519")

SPEC_1BIT = {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}
SPEC_1BIT_STATUSES = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
SPEC_2BIT = {"bits": 2, "lst": "eNo76fITAAPfAgc"}
SPEC_2BIT_STATUSES = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def badge() -> dict[str, Any]:
    return shared_badge(ISSUER.did)


def the_list() -> status.TokenStatusList:
    listed = status.TokenStatusList.new(1000, bits=2)
    listed.set(3, status.INVALID)
    listed.set(4, status.SUSPENDED)
    listed.set(5, 0x03)
    return listed


def list_token(key: keys.KeyPair = ISSUER, **kwargs: Any) -> str:
    kwargs.setdefault("uri", URI)
    kwargs.setdefault("issued_at", NOW - timedelta(hours=1))
    return status.sign_status_list_token(the_list(), key, **kwargs)


def credential(index: int, *, form: str = "ob3", uri: str = URI) -> str:
    token: str = mc.issue(
        badge(),
        ISSUER,
        format="jwt",
        jwt_form=form,
        claims={"status": status.token_status_entry(uri, index)},
    )
    return token


def status_checks(report: mc.VerificationReport) -> list[tuple[str, str]]:
    return [(c.status, c.message) for c in report.checks if c.id == "status"]


def verify(token: str, listed: Any, **kwargs: Any) -> mc.VerificationReport:
    return mc.verify(token, now=NOW, status=status.StaticStatusLists({URI: listed}), **kwargs)


# --- the list: spec examples, bit order, round trips -------------------------------------


@pytest.mark.parametrize(
    ("claim", "raw", "statuses"),
    [
        (SPEC_1BIT, bytes([0xB9, 0xA3]), SPEC_1BIT_STATUSES),
        (SPEC_2BIT, bytes([0xC9, 0x44, 0xF9]), SPEC_2BIT_STATUSES),
    ],
)
def test_the_spec_examples_decode_to_its_statuses(
    claim: dict[str, Any], raw: bytes, statuses: list[int]
) -> None:
    listed = status.TokenStatusList.from_json(claim)
    assert bytes(listed.data) == raw
    assert [listed.get(i) for i in range(len(statuses))] == statuses


@pytest.mark.parametrize(
    ("claim", "statuses"), [(SPEC_1BIT, SPEC_1BIT_STATUSES), (SPEC_2BIT, SPEC_2BIT_STATUSES)]
)
def test_setting_the_spec_statuses_reproduces_its_bytes_and_lst(
    claim: dict[str, Any], statuses: list[int]
) -> None:
    """DEFLATE output may differ between implementations; at level 9 zlib gives exactly the
    draft's ``lst`` values (what is normative is the decompressed byte array)."""
    listed = status.TokenStatusList.new(len(statuses), bits=claim["bits"])
    for index, value in enumerate(statuses):
        listed.set(index, value)
    assert listed.to_json() == claim
    assert status.decode_lst(listed.to_json()["lst"]) == bytes(listed.data)


@settings(max_examples=60, deadline=None)
@given(
    bits=st.sampled_from([1, 2, 4, 8]),
    values=st.lists(st.integers(min_value=0, max_value=255), min_size=1, max_size=300),
)
def test_encode_decode_round_trip(bits: int, values: list[int]) -> None:
    listed = status.TokenStatusList.new(len(values), bits=bits)
    wanted = [v % (2**bits) for v in values]
    for index, value in enumerate(wanted):
        listed.set(index, value)
    again = status.TokenStatusList.from_json(listed.to_json())
    assert [again.get(i) for i in range(len(wanted))] == wanted
    assert again.size >= len(wanted)


def test_bad_lists_and_values_are_refused() -> None:
    with pytest.raises(ValueError, match="1, 2, 4 or 8"):
        status.TokenStatusList.new(10, bits=3)
    listed = status.TokenStatusList.new(8, bits=1)
    with pytest.raises(ValueError, match="does not fit"):
        listed.set(0, 2)
    with pytest.raises(IndexError):
        listed.get(8)
    for claim in ({"bits": 3, "lst": SPEC_1BIT["lst"]}, {"bits": True, "lst": "x"}, [1]):
        with pytest.raises(MalformedInputError):
            status.TokenStatusList.from_json(claim)
    gzip_not_zlib = b64(__import__("gzip").compress(b"\0\0"))
    for junk in ("", "!!!", SPEC_1BIT["lst"] + "=", gzip_not_zlib, b64(b"\x78\x9c\x01")):
        with pytest.raises(MalformedInputError):
            status.decode_lst(junk)


def test_a_zlib_bomb_is_refused_with_a_clear_error() -> None:
    bomb = b64(zlib.compress(b"\0" * 3_000_000, 9))
    assert len(bomb) < 5_000
    with pytest.raises(InputTooLargeError, match="decompresses to more than 1000000 bytes"):
        status.decode_lst(bomb, limits=Limits(max_status_list_bytes=1_000_000))


# --- the token: signing, reading, updating -----------------------------------------------


def test_the_token_has_the_claims_the_draft_requires() -> None:
    token = list_token(expires=NOW + timedelta(days=30), ttl=43200)
    header, claims = mc.jose.decode_unverified(token)
    assert header == {"alg": "EdDSA", "kid": ISSUER.verification_method, "typ": "statuslist+jwt"}
    assert claims["sub"] == URI
    assert claims["iss"] == ISSUER.did
    assert claims["iat"] == int((NOW - timedelta(hours=1)).timestamp())
    assert claims["exp"] == int((NOW + timedelta(days=30)).timestamp())
    assert claims["ttl"] == 43200
    assert set(claims["status_list"]) == {"bits", "lst"}
    read, listed = status.read_status_list_token(token)
    assert read == claims
    assert [listed.get(i) for i in range(6)] == [0, 0, 0, 1, 2, 3]
    with pytest.raises(ValueError, match="ttl"):
        list_token(ttl=0)
    with pytest.raises(ValueError, match="absolute URI"):
        list_token(uri="tokens/1")


def test_update_revokes_suspends_and_unsuspends_but_never_unrevokes() -> None:
    token = list_token()
    suspended = status.update_token_status(token, 7, status.SUSPENDED, ISSUER)
    assert status.read_status_list_token(suspended)[1].get(7) == status.SUSPENDED
    valid = status.update_token_status(suspended, 7, status.VALID, ISSUER)
    assert status.read_status_list_token(valid)[1].get(7) == status.VALID
    revoked = status.update_token_status(valid, 7, status.INVALID, ISSUER, issued_at=NOW)
    claims, listed = status.read_status_list_token(revoked)
    assert listed.get(7) == status.INVALID
    assert claims["sub"] == URI
    with pytest.raises(ValueError, match="irreversible"):
        status.update_token_status(revoked, 7, status.VALID, ISSUER)
    assert verify(credential(7), revoked).outcome == "invalid"


# --- verification: the status check ------------------------------------------------------


@pytest.mark.parametrize("form", ["ob3", "vc-jwt"])
def test_a_valid_index_is_verified(form: str) -> None:
    report = verify(credential(0, form=form), list_token())
    assert report.verified, report.failed
    assert status_checks(report) == [("passed", f"token status list: VALID (index 0 of {URI})")]


@pytest.mark.parametrize("form", ["ob3", "vc-jwt"])
def test_a_revoked_index_is_invalid(form: str) -> None:
    report = verify(credential(3, form=form), list_token())
    assert report.outcome == "invalid"
    assert status_checks(report) == [
        ("failed", f"the credential is revoked: INVALID (index 3 of {URI})")
    ]


def test_a_suspended_index_is_invalid_and_says_suspended() -> None:
    report = verify(credential(4), list_token())
    assert report.outcome == "invalid"
    assert "suspended: SUSPENDED" in status_checks(report)[0][1]


def test_another_status_value_is_named_and_indeterminate() -> None:
    report = verify(credential(5), list_token())
    assert report.outcome == "indeterminate"
    assert status_checks(report)[0][0] == "error"
    assert "0x03 (application-specific or reserved)" in status_checks(report)[0][1]


def test_an_index_outside_the_list_is_invalid() -> None:
    report = verify(credential(1000), list_token())
    assert status_checks(report)[0][0] == "failed"
    assert "outside the list" in status_checks(report)[0][1]


def test_a_bomb_list_is_refused() -> None:
    bomb = {"bits": 1, "lst": b64(zlib.compress(b"\0" * 2_000_000, 9))}
    header = {"alg": "EdDSA", "kid": ISSUER.verification_method, "typ": "statuslist+jwt"}
    claims = {"sub": URI, "iss": ISSUER.did, "iat": int(NOW.timestamp()), "status_list": bomb}
    protected, body = b64(json.dumps(header).encode()), b64(json.dumps(claims).encode())
    token = f"{protected}.{body}." + b64(ISSUER.signer().sign(f"{protected}.{body}".encode()))
    report = verify(credential(0), token, limits=Limits(max_status_list_bytes=1_000_000))
    assert not report.verified
    assert status_checks(report)[0][0] == "failed"
    assert "decompresses to more than 1000000 bytes" in status_checks(report)[0][1]


def test_a_token_for_another_uri_is_refused() -> None:
    report = verify(credential(0), list_token(uri="https://status.example/tokens/2"))
    assert status_checks(report)[0][0] == "failed"
    assert "is not the uri the credential names" in status_checks(report)[0][1]


def test_a_token_from_another_issuer_is_refused() -> None:
    """Signed by its own key (so the signature holds) but its iss is not the credential's."""
    report = verify(credential(0), list_token(OTHER))
    assert status_checks(report)[0][0] == "failed"
    assert "not by the credential's issuer" in status_checks(report)[0][1]


def test_a_token_claiming_the_issuer_with_another_key_does_not_verify() -> None:
    """iss says the credential's issuer, but the signing key is someone else's: the key the
    kid names must sign it."""
    forged = status.sign_status_list_token(
        the_list(), OTHER, uri=URI, issuer=ISSUER.did, issued_at=NOW - timedelta(hours=1)
    )
    header, claims = mc.jose.decode_unverified(forged)
    header["kid"] = ISSUER.verification_method
    protected, body = b64(json.dumps(header).encode()), b64(json.dumps(claims).encode())
    resigned = f"{protected}.{body}." + b64(OTHER.signer().sign(f"{protected}.{body}".encode()))
    report = verify(credential(3), resigned)
    assert report.outcome == "indeterminate"
    assert "signature does not match" in status_checks(report)[0][1]


def test_a_mac_signed_token_is_refused() -> None:
    """§5.1: "Relying parties MUST reject the JWT if it is using a Message Authentication
    Code (MAC) algorithm" (even with the issuer's public key as the secret)."""
    header = {"alg": "HS256", "kid": ISSUER.verification_method, "typ": "statuslist+jwt"}
    _, claims = mc.jose.decode_unverified(list_token())
    protected, body = b64(json.dumps(header).encode()), b64(json.dumps(claims).encode())
    secret = json.dumps(ISSUER.public_jwk()).encode()
    mac = hmac.new(secret, f"{protected}.{body}".encode(), hashlib.sha256).digest()
    report = verify(credential(0), f"{protected}.{body}.{b64(mac)}")
    assert not report.verified
    assert "alg 'HS256' is not accepted" in status_checks(report)[0][1]


def test_a_token_of_another_type_is_refused() -> None:
    bitstring_like = mc.issue(badge(), ISSUER, format="jwt")
    report = verify(credential(0), bitstring_like)
    assert status_checks(report)[0][0] == "failed"
    assert "is not statuslist+jwt" in status_checks(report)[0][1]
    unsigned = {"status_list": SPEC_1BIT, "sub": URI}
    assert "not a Status List Token" in status_checks(verify(credential(0), unsigned))[0][1]


def test_expired_stale_and_future_tokens_are_indeterminate() -> None:
    expired = list_token(issued_at=NOW - timedelta(days=10), expires=NOW - timedelta(days=1))
    stale = list_token(issued_at=NOW - timedelta(days=2), ttl=3600)
    future = list_token(issued_at=NOW + timedelta(days=1))
    for token, why in ((expired, "expired (exp)"), (stale, "older than its ttl"), (future, "iat")):
        report = verify(credential(0), token)
        assert report.outcome == "indeterminate"
        assert why in status_checks(report)[0][1]


def test_an_unreachable_list_is_indeterminate_and_opting_out_warns() -> None:
    report = mc.verify(credential(3), now=NOW, status=status.StaticStatusLists({}))
    assert report.outcome == "indeterminate"
    assert "unavailable" in status_checks(report)[0][1]
    none_given = mc.verify(credential(3), now=NOW)
    assert none_given.outcome == "indeterminate"
    assert "status (status_list)" in status_checks(none_given)[0][1]
    opted_out = mc.verify(credential(3), now=NOW, check_status=False)
    assert opted_out.verified
    assert [w.id for w in opted_out.warnings] == ["status"]


def test_a_malformed_reference_fails() -> None:
    for reference in ({"idx": -1, "uri": URI}, {"idx": "0", "uri": URI}, {"idx": 0}):
        token = mc.issue(
            badge(), ISSUER, format="jwt", claims={"status": {"status_list": reference}}
        )
        report = verify(token, list_token())
        assert status_checks(report)[0][0] == "failed", reference


def test_check_status_on_claims_carrying_status() -> None:
    """What an SD-JWT VC route hands the shared step: the claims, with ``iss`` and
    ``status`` (no JSON-LD)."""
    claims = {"iss": ISSUER.did, "vct": "urn:example:badge"}
    options = VerifyOptions.create(now=NOW, status=status.StaticStatusLists({URI: list_token()}))
    for index, outcome in ((0, "passed"), (3, "failed"), (4, "failed")):
        report = VerificationReport()
        document = {**claims, "status": status.token_status_entry(URI, index)}
        check_status(report, document, options, lambda listed: VerificationReport())
        assert [c.status for c in report.checks if c.id == "status"] == [outcome]
    report = VerificationReport()
    document = {"iss": OTHER.did, "status": status.token_status_entry(URI, 0)}
    check_status(report, document, options, lambda listed: VerificationReport())
    assert "not by the credential's issuer" in report.checks[0].message


def test_lists_from_files_read_a_token(tmp_path: Any) -> None:
    path = tmp_path / "tokens-1.jwt"
    path.write_text(list_token() + "\n")
    lists = status.StaticStatusLists.from_files({URI: path})
    assert mc.verify(credential(0), now=NOW, status=lists).verified
    assert mc.verify(credential(3), now=NOW, status=lists).outcome == "invalid"


def test_extra_claims_may_not_replace_the_tokens_own() -> None:
    with pytest.raises(ValueError, match="collide"):
        mc.issue(badge(), ISSUER, format="jwt", claims={"iss": "did:example:x"})
    with pytest.raises(ValueError, match="collide"):
        mc.issue(badge(), ISSUER, format="jwt", claims={"name": "x"})
    with pytest.raises(ValueError, match="no extra claims"):
        mc.issue(badge(), ISSUER, format="jwt", jwt_form="vc+jwt", claims={"status": {}})


# --- the CLI: microcred status revoke|suspend|unsuspend on a token file ------------------


def test_cli_status_changes_a_token_status_list_in_place(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from microcred.cli import main

    key_file = tmp_path / "issuer-key.json"
    key_file.write_text(json.dumps(ISSUER.private_jwk()))
    listed = tmp_path / "tokens-1.jwt"
    listed.write_text(status.sign_status_list_token(the_list(), ISSUER, uri=URI) + "\n")
    held = tmp_path / "cred.jwt"
    held.write_text(credential(9) + "\n")
    base = ["--list", str(listed), "--key", str(key_file)]

    def verdict() -> str:
        lists = status.StaticStatusLists.from_files({URI: listed})
        return mc.verify(held.read_text(), status=lists).outcome

    assert verdict() == "verified"
    assert main(["status", "suspend", *base, "--credential", str(held)]) == 0
    assert "SUSPENDED" in capsys.readouterr().out
    assert status.read_status_list_token(listed.read_text().strip())[1].get(9) == 2
    assert verdict() == "invalid"
    assert main(["status", "unsuspend", *base, "--index", "9"]) == 0
    assert verdict() == "verified"
    assert main(["status", "revoke", *base, "--index", "9"]) == 0
    assert verdict() == "invalid"
    assert main(["status", "unsuspend", *base, "--index", "9"]) == 2  # INVALID is final
    assert "not SUSPENDED" in capsys.readouterr().err
    other_key = tmp_path / "other-key.json"
    other_key.write_text(json.dumps(OTHER.private_jwk()))
    before = listed.read_text()
    assert main(["status", "revoke", "--list", str(listed), "--key", str(other_key),
                 "--index", "1"]) == 1  # fmt: skip
    assert listed.read_text() == before


# --- end to end: an SD-JWT VC carrying a Token Status List reference ----------------------


@pytest.mark.parametrize(
    ("index", "outcome", "message"),
    [
        (0, "verified", "token status list: VALID"),
        (3, "invalid", "revoked: INVALID"),
        (4, "invalid", "suspended: SUSPENDED"),
    ],
)
def test_an_sd_jwt_vc_presentation_is_checked_against_its_status_list_token(
    index: int, outcome: str, message: str
) -> None:
    from microcred import sdjwt

    holder = keys.generate("P-256")
    issued = sdjwt.issue_sd_jwt_vc(
        {"given_name": "Alva", "grade": "A"},
        ISSUER,
        vct="urn:example:badge",
        disclosable=["/given_name", "/grade"],
        holder_jwk=holder.public_jwk(),
        issued_at=NOW - timedelta(days=1),
        status=status.token_status_entry(URI, index),
    )
    shown = sdjwt.present_sd_jwt(
        issued, ["/grade"], holder_key=holder, nonce="n-1", audience="https://verifier.example",
        issued_at=NOW,
    )  # fmt: skip
    report = mc.verify(
        shown,
        now=NOW,
        status=status.StaticStatusLists({URI: list_token()}),
        challenge="n-1",
        domain="https://verifier.example",
    )
    assert report.outcome == outcome, report.failed
    assert [s for s, m in status_checks(report) if message in m] == [
        "passed" if outcome == "verified" else "failed"
    ]
    assert "given_name" not in (report.document or {})


@settings(max_examples=150, deadline=None)
@given(position=st.integers(min_value=0), char=st.sampled_from("AQgw-_.x~= "))
def test_a_damaged_status_list_token_never_crashes_and_never_passes(
    position: int, char: str
) -> None:
    """Any one character of the Status List Token changed: a named status outcome, never an
    internal error, and never a pass unless the token is unchanged."""
    good = list_token()
    at = position % len(good)
    damaged = good[:at] + char + good[at + 1 :]
    report = verify(credential(0), damaged)
    assert not [c for c in report.checks if c.id == "internal"], report.checks
    (outcome,) = [s for s, _ in status_checks(report)]
    if damaged != good:  # the signature covers every character (written canonically)
        assert outcome != "passed", damaged


@settings(max_examples=100, deadline=None)
@given(
    reference=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=8,
    )
)
def test_any_status_claim_gives_a_named_outcome(reference: Any) -> None:
    claims = {"iss": ISSUER.did, "status": {"status_list": reference}}
    options = VerifyOptions.create(now=NOW, status=status.StaticStatusLists({URI: list_token()}))
    report = VerificationReport()
    check_status(report, claims, options, lambda listed: VerificationReport())
    assert [c.id for c in report.checks] == ["status"]
    assert report.checks[0].status in ("passed", "failed", "error")


# --- a Status List Token signed with a certified key (x5c), as EUDI issuers publish --------


def _certified() -> tuple[keys.KeyPair, list[str], bytes]:
    """A P-256 issuer key certified by a test root: (key, x5c, the root's DER)."""
    from cryptography.hazmat.primitives import serialization
    from tests._pki import name, root_and_leaf

    root, leaf, leaf_key = root_and_leaf(
        name("Status Test Root"), name("issuer.example.org"), san="https://issuer.example.org",
        now=NOW,
    )  # fmt: skip
    x5c = [base64.b64encode(leaf.public_bytes(serialization.Encoding.DER)).decode()]
    return (
        keys.KeyPair.from_cryptography(leaf_key),
        x5c,
        root.public_bytes(serialization.Encoding.DER),
    )


def test_a_status_list_token_with_an_x5c_chain_is_checked_against_the_trust_anchors() -> None:
    key, x5c, root = _certified()
    iss = "https://issuer.example.org"
    token = status.sign_status_list_token(
        the_list(), key, uri=URI, issuer=iss, issued_at=NOW - timedelta(hours=1), x5c=x5c
    )
    assert "kid" not in mc.jose.decode_unverified(token)[0]
    options = VerifyOptions.create(
        now=NOW, status=status.StaticStatusLists({URI: token}), trust_anchors=[root]
    )
    for index, outcome in ((0, "passed"), (3, "failed")):
        report = VerificationReport()
        claims = {"iss": iss, "status": status.token_status_entry(URI, index)}
        check_status(report, claims, options, lambda listed: VerificationReport())
        assert [c.status for c in report.checks] == [outcome], report.checks
    untrusted = VerifyOptions.create(now=NOW, status=status.StaticStatusLists({URI: token}))
    report = VerificationReport()
    claims = {"iss": iss, "status": status.token_status_entry(URI, 0)}
    check_status(report, claims, untrusted, lambda listed: VerificationReport())
    assert report.checks[0].status == "error"
    assert "no trust anchors were given" in report.checks[0].message


@pytest.mark.parametrize(
    ("claim", "outcome", "why"),
    [
        ({"identifier_list": {"id": "1", "uri": URI}}, "error", "identifier_list not supported"),
        ({}, "failed", "naming a status mechanism"),
        ("revoked", "failed", "naming a status mechanism"),
    ],
)
def test_a_status_claim_without_a_status_list_is_named(claim: Any, outcome: str, why: str) -> None:
    """§6.1: ``status`` "MUST specify a JSON Object that contains at least one reference to a
    status mechanism"; one microcred does not implement leaves the status unchecked."""
    options = VerifyOptions.create(now=NOW, status=status.StaticStatusLists({}))
    report = VerificationReport()
    check_status(report, {"iss": ISSUER.did, "status": claim}, options, lambda _: report)
    assert [(c.status, why in c.message) for c in report.checks] == [(outcome, True)]
