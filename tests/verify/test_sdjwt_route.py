"""The SD-JWT route of ``verify()``: SD-JWT VC (``dc+sd-jwt``) and W3C ``vc+sd-jwt``, issuer
keys by ``kid``, ``x5c`` and JWT VC Issuer Metadata, type metadata, key binding options, and
what the report says was disclosed and hidden."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st
from tests._pki import certificate, name, root_and_leaf

import microcred as mc
from microcred import keys
from microcred.errors import FetchError
from microcred.jose._jwt import _sign
from microcred.sdjwt import (
    Disclosure,
    issue_sd_jwt,
    issue_sd_jwt_vc,
    issue_vc_sd_jwt,
    present_sd_jwt,
)
from microcred.verify._sdjwt import issuer_metadata_url, looks_like_sd_jwt, sri_matches

ISSUER = keys.generate("Ed25519")
HOLDER = keys.generate("P-256")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
VCT = "https://credentials.example.org/micro_credential"


def _vc(**kwargs: Any) -> str:
    kwargs.setdefault("vct", "urn:eudi:micro_credential:1")
    kwargs.setdefault("issued_at", NOW - timedelta(days=1))
    kwargs.setdefault("holder_jwk", HOLDER.public_jwk())
    return issue_sd_jwt_vc(
        {"name": "Data Science", "grade": "Excellent-4711", "ects": 7.5},
        kwargs.pop("key", ISSUER),
        disclosable=kwargs.pop("disclosable", ["/grade", "/ects"]),
        **kwargs,
    )


def _present(token: str, disclose=("/ects",), **kwargs: Any) -> str:
    kwargs.setdefault("holder_key", HOLDER)
    kwargs.setdefault("nonce", "n")
    kwargs.setdefault("audience", "https://rp.example")
    kwargs.setdefault("issued_at", NOW)
    return present_sd_jwt(token, list(disclose), **kwargs)


def _failed(report: mc.VerificationReport) -> str:
    assert report.outcome != "verified", report.checks
    return report.failed[0].id


def test_shape() -> None:
    assert looks_like_sd_jwt(_vc())
    assert not looks_like_sd_jwt("a.b.c")
    assert not looks_like_sd_jwt('{"a": 1}')


def test_sd_jwt_vc_with_key_binding_verifies_and_reports_what_was_disclosed() -> None:
    report = mc.verify(_present(_vc()), now=NOW, nonce="n", audience="https://rp.example")
    assert report.verified, report.failed
    assert report.format == "sd-jwt-vc"
    assert report.kind == "credential"
    assert report.document is not None
    assert report.document["ects"] == 7.5
    assert "grade" not in report.document
    assert report.disclosed == ["/ects"]
    assert report.hidden_count == 1
    data = report.to_json()
    assert data["disclosed"] == ["/ects"]
    assert data["hidden_count"] == 1
    assert "Excellent-4711" not in json.dumps(data)  # the hidden grade is nowhere in it
    for check in ("sdjwt.signature", "sdjwt.kb", "sdjwt.claims", "sdjwt.vct", "issuer"):
        assert report.check(check) is not None
        assert report.check(check).status == "passed"  # type: ignore[union-attr]


def test_other_formats_keep_their_json() -> None:
    key = keys.generate("Ed25519")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "credentialSubject": {"id": "did:example:1"},
    }
    data = mc.verify(mc.issue(credential, key)).to_json()
    assert "disclosed" not in data
    assert "hidden_count" not in data


def test_nonce_requires_key_binding() -> None:
    report = mc.verify(_vc(), now=NOW, nonce="n")
    assert _failed(report) == "sdjwt.kb"


def test_challenge_and_domain_stand_in_for_nonce_and_audience() -> None:
    presentation = _present(_vc())
    assert mc.verify(presentation, now=NOW, challenge="n", domain="https://rp.example").verified
    report = mc.verify(presentation, now=NOW, challenge="other")
    assert _failed(report) == "sdjwt.kb"


def test_require_key_binding() -> None:
    assert _failed(mc.verify(_vc(), now=NOW, require_key_binding=True)) == "sdjwt.kb"


def test_without_key_binding_warns_when_the_credential_is_holder_bound() -> None:
    report = mc.verify(_vc(), now=NOW)
    assert report.verified
    assert [w.id for w in report.warnings] == ["sdjwt.kb"]


def test_kb_without_nonce_warns_of_replay() -> None:
    report = mc.verify(_present(_vc()), now=NOW)
    assert report.verified
    assert any(w.id == "sdjwt.kb" and "replay" in w.message for w in report.warnings)


def test_kb_too_old_for_the_callers_window() -> None:
    presentation = _present(_vc(), issued_at=NOW - timedelta(minutes=30))
    report = mc.verify(presentation, now=NOW, nonce="n", audience="https://rp.example")
    assert _failed(report) == "sdjwt.kb"
    report = mc.verify(
        presentation,
        now=NOW,
        nonce="n",
        audience="https://rp.example",
        kb_max_age=timedelta(hours=1),
    )
    assert report.verified


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"expires": NOW - timedelta(hours=1)}, "sdjwt.exp"),
        ({"not_before": NOW + timedelta(hours=1)}, "sdjwt.nbf"),
        ({"issued_at": NOW + timedelta(hours=1)}, "sdjwt.iat"),
    ],
)
def test_time_claims(changes: dict[str, Any], check: str) -> None:
    assert _failed(mc.verify(_vc(**changes), now=NOW)) == check


def _signed(payload: dict[str, Any], header: dict[str, Any] | None = None, key=ISSUER) -> str:
    jose = {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": key.verification_method}
    jose.update(header or {})
    return _sign(jose, payload, key) + "~"


def test_typ_must_name_a_credential() -> None:
    payload = {"iss": ISSUER.did, "vct": "urn:x"}
    for typ in ("JWT", "example+sd-jwt", None):
        report = mc.verify(_signed(payload, {"typ": typ}), now=NOW)
        assert _failed(report) == "sdjwt.header"


def test_vc_sd_jwt_typ_with_vct_is_the_older_sd_jwt_vc_name() -> None:
    report = mc.verify(_signed({"iss": ISSUER.did, "vct": "urn:x"}, {"typ": "vc+sd-jwt"}), now=NOW)
    assert report.verified, report.failed
    assert report.format == "sd-jwt-vc"


def test_crit_refused() -> None:
    report = mc.verify(_signed({"iss": ISSUER.did, "vct": "urn:x"}, {"crit": ["x"], "x": 1}))
    assert _failed(report) == "sdjwt.header"


@pytest.mark.parametrize("name", ["cnf", "status", "vct", "iss", "exp"])
def test_never_disclosable_claims_refused_when_disclosed(name: str) -> None:
    # draft-ietf-oauth-sd-jwt-vc §3.2.2: these MUST NOT be selectively disclosable
    claims: dict[str, Any] = {
        "iss": ISSUER.did,
        "vct": "urn:x",
        "cnf": {"jwk": HOLDER.public_jwk()},
        "status": {"status_list": {"idx": 0, "uri": "https://x.example/l"}},
        "exp": int((NOW + timedelta(days=1)).timestamp()),
    }
    # microcred's issuer refuses /cnf outright; a hand-made payload discloses it
    body = {k: v for k, v in claims.items() if k != name}
    disclosure = Disclosure.create("salt", name, claims[name])
    body["_sd"] = [disclosure.digest]
    token = _signed(body) + disclosure.encoded + "~"
    report = mc.verify(token, now=NOW, check_status=False)
    assert report.check("sdjwt.claims") is not None
    assert report.check("sdjwt.claims").status == "failed"  # type: ignore[union-attr]


def test_vct_missing_refused() -> None:
    token = issue_sd_jwt({"iss": ISSUER.did}, ISSUER, typ="dc+sd-jwt")
    assert mc.verify(token, now=NOW).check("sdjwt.claims").status == "failed"  # type: ignore[union-attr]


def test_iss_must_control_the_key() -> None:
    other = keys.generate("Ed25519")
    token = issue_sd_jwt_vc({"iss": other.did}, ISSUER, vct="urn:x", issued_at=NOW)
    report = mc.verify(token, now=NOW)
    assert _failed(report) == "issuer"


def test_alg_none_refused() -> None:
    token = _vc()
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"dc+sd-jwt"}').rstrip(b"=").decode()
    forged = header + token[token.index(".") :]
    assert _failed(mc.verify(forged, now=NOW)) == "sdjwt.alg"


def test_status_claim_is_not_passed_over() -> None:
    token = _vc(status={"status_list": {"idx": 3, "uri": "https://issuer.example/statuslists/1"}})
    report = mc.verify(token, now=NOW)
    assert not report.verified
    assert any(c.id == "status" and c.status in ("error", "failed") for c in report.checks)


def test_hostile_inputs_are_checks_not_tracebacks() -> None:
    token = _vc()
    for text in (
        token + "~~~",
        token.replace("~", "~%%%~", 1),
        token[:20] + "~",
        token + "a.b",
        token + "x" * 100,
        "eyJ" + "~" * 10_000,
    ):
        report = mc.verify(text, now=NOW)
        assert not report.verified
        assert report.check("internal") is None


# -- vc+sd-jwt ---------------------------------------------------------------------------------


def _vc_credential(**changes: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ann", "description": "B+"},
    }
    credential.update(changes)
    return credential


def test_vc_sd_jwt_goes_through_the_data_model_checks() -> None:
    token = issue_vc_sd_jwt(
        _vc_credential(),
        ISSUER,
        disclosable=["/credentialSubject/name", "/credentialSubject/description"],
    )
    presented = present_sd_jwt(token, ["/credentialSubject/name"])
    report = mc.verify(presented, now=NOW)
    assert report.verified, report.failed
    assert report.format == "vc+sd-jwt"
    for check in ("contexts", "issuer", "subject", "validity.valid_from"):
        assert report.check(check) is not None
    assert report.document is not None
    assert "description" not in report.document["credentialSubject"]


def test_vc_sd_jwt_expired_by_valid_until() -> None:
    token = issue_vc_sd_jwt(_vc_credential(validUntil="2026-02-01T00:00:00Z"), ISSUER)
    assert _failed(mc.verify(token, now=NOW)) == "validity.valid_until"


def test_vc_sd_jwt_unknown_term_fails_the_contexts_check() -> None:
    # microcred's issuer refuses to sign it (below); another issuer might
    token = issue_sd_jwt(_vc_credential(undefinedTerm=1), ISSUER, typ="vc+sd-jwt")
    assert _failed(mc.verify(token, now=NOW)) == "contexts"
    with pytest.raises(mc.errors.JsonLdError, match="undefinedTerm"):
        issue_vc_sd_jwt(_vc_credential(undefinedTerm=1), ISSUER)


def test_vc_sd_jwt_hidden_undefined_term_is_refused_when_issued() -> None:
    # a term no context defines is refused even when it would be selectively disclosable:
    # the holder could disclose it later, and a verifier would then refuse the credential
    with pytest.raises(mc.errors.JsonLdError):
        issue_vc_sd_jwt(
            _vc_credential(credentialSubject={"id": "did:example:1", "undefinedTerm": 1}),
            ISSUER,
            disclosable=["/credentialSubject/undefinedTerm"],
        )


def test_vc_sd_jwt_issuer_mismatch() -> None:
    token = issue_vc_sd_jwt(_vc_credential(issuer="did:example:someone"), ISSUER)
    assert _failed(mc.verify(token, now=NOW)) == "issuer"


# -- issuer keys: x5c ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pki() -> dict[str, Any]:
    root, leaf, leaf_key = root_and_leaf(
        name("Test Root"), name("issuer.example.org"), san="https://issuer.example.org", now=NOW
    )
    return {"root": root, "leaf": leaf, "key": keys.KeyPair.from_cryptography(leaf_key)}


def _x5c_token(pki: dict[str, Any], iss: str | None = "https://issuer.example.org") -> str:
    der = pki["leaf"].public_bytes(serialization.Encoding.DER)
    return issue_sd_jwt_vc(
        {"iss": iss},
        pki["key"],
        vct="urn:x",
        issued_at=NOW,
        disclosable=[],
        header={"x5c": [base64.b64encode(der).decode()], "kid": None},
    )


def test_x5c_chain_to_the_callers_anchor(pki: dict[str, Any]) -> None:
    pem = pki["root"].public_bytes(serialization.Encoding.PEM)
    report = mc.verify(_x5c_token(pki), now=NOW, trust_anchors=[pem])
    assert report.verified, report.failed
    assert "x5c" in report.check("sdjwt.issuer-key").message  # type: ignore[union-attr]


def test_x5c_without_anchors_is_indeterminate(pki: dict[str, Any]) -> None:
    report = mc.verify(_x5c_token(pki), now=NOW)
    assert report.outcome == "indeterminate"
    assert report.failed[0].id == "sdjwt.issuer-key"


def test_x5c_to_another_anchor_refused(pki: dict[str, Any]) -> None:
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_name = name("Other Root")
    other = certificate(other_name, other_key, other_name, other_key, ca=True, now=NOW)
    report = mc.verify(_x5c_token(pki), now=NOW, trust_anchors=[other])
    assert _failed(report) == "sdjwt.issuer-key"


def test_x5c_san_must_match_an_https_iss(pki: dict[str, Any]) -> None:
    pem = pki["root"].public_bytes(serialization.Encoding.PEM)
    report = mc.verify(_x5c_token(pki, "https://mallory.example"), now=NOW, trust_anchors=[pem])
    assert _failed(report) == "sdjwt.issuer-key"


def test_x5c_expired_leaf_refused(pki: dict[str, Any]) -> None:
    pem = pki["root"].public_bytes(serialization.Encoding.PEM)
    later = NOW + timedelta(days=800)
    report = mc.verify(_x5c_token(pki), now=later, trust_anchors=[pem])
    assert report.check("sdjwt.issuer-key").status == "failed"  # type: ignore[union-attr]


def test_x5c_garbage_refused(pki: dict[str, Any]) -> None:
    token = issue_sd_jwt_vc(
        {}, pki["key"], vct="urn:x", issued_at=NOW, header={"x5c": ["not base64!"], "kid": None}
    )
    report = mc.verify(token, now=NOW, trust_anchors=[pki["root"]])
    assert _failed(report) == "sdjwt.issuer-key"


# -- issuer keys: JWT VC Issuer Metadata; type metadata ----------------------------------------


class _Fetcher:
    def __init__(self, documents: dict[str, bytes]) -> None:
        self.documents = documents
        self.asked: list[str] = []

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> bytes:
        self.asked.append(url)
        if url not in self.documents:
            raise FetchError(f"404 for {url}")
        return self.documents[url][:max_bytes]


def test_issuer_metadata_url() -> None:
    # SD-JWT VC §5.1: the well-known segment goes between the host and the path
    assert (
        issuer_metadata_url("https://example.com/tenant/1234")
        == "https://example.com/.well-known/jwt-vc-issuer/tenant/1234"
    )
    assert (
        issuer_metadata_url("https://example.com/")
        == "https://example.com/.well-known/jwt-vc-issuer"
    )
    with pytest.raises(ValueError, match="not an https issuer"):
        issuer_metadata_url("http://example.com")


def _metadata_token(key: keys.KeyPair, **kwargs: Any) -> str:
    return issue_sd_jwt_vc(
        {"iss": "https://issuer.example.org/tenant"},
        key,
        vct=kwargs.pop("vct", "urn:x"),
        issued_at=NOW,
        header={"kid": "key-1"},
        **kwargs,
    )


def _metadata(key: keys.KeyPair, kid: str = "key-1") -> bytes:
    jwk = dict(key.public_jwk(), kid=kid)
    return json.dumps(
        {"issuer": "https://issuer.example.org/tenant", "jwks": {"keys": [jwk]}}
    ).encode()


METADATA_URL = "https://issuer.example.org/.well-known/jwt-vc-issuer/tenant"


def test_issuer_key_from_jwt_vc_issuer_metadata() -> None:
    key = keys.generate("P-256")
    fetcher = _Fetcher({METADATA_URL: _metadata(key)})
    report = mc.verify(_metadata_token(key), now=NOW, metadata_fetcher=fetcher)
    assert report.verified, report.failed
    assert fetcher.asked == [METADATA_URL]


def test_issuer_metadata_of_another_issuer_refused() -> None:
    key = keys.generate("P-256")
    wrong = json.loads(_metadata(key))
    wrong["issuer"] = "https://mallory.example"
    fetcher = _Fetcher({METADATA_URL: json.dumps(wrong).encode()})
    report = mc.verify(_metadata_token(key), now=NOW, metadata_fetcher=fetcher)
    assert _failed(report) == "sdjwt.issuer-key"


def test_issuer_metadata_with_another_key_refused() -> None:
    key = keys.generate("P-256")
    fetcher = _Fetcher({METADATA_URL: _metadata(keys.generate("P-256"))})
    assert _failed(mc.verify(_metadata_token(key), now=NOW, metadata_fetcher=fetcher)) == (
        "sdjwt.signature"
    )


def test_issuer_metadata_unreachable_is_indeterminate() -> None:
    key = keys.generate("P-256")
    report = mc.verify(_metadata_token(key), now=NOW, metadata_fetcher=_Fetcher({}))
    assert report.outcome == "indeterminate"


def test_nothing_is_fetched_without_a_fetcher() -> None:
    key = keys.generate("P-256")
    report = mc.verify(_metadata_token(key), now=NOW)
    assert report.outcome == "indeterminate"
    assert report.failed[0].id == "sdjwt.issuer-key"
    assert "jwt-vc-issuer/tenant" in report.failed[0].message


TYPE_METADATA = json.dumps({"vct": VCT, "name": "Micro-credential"}).encode()


def _sri(data: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_type_metadata_with_integrity() -> None:
    fetcher = _Fetcher({VCT: TYPE_METADATA})
    token = _vc(vct=VCT, vct_integrity=_sri(TYPE_METADATA))
    report = mc.verify(token, now=NOW, metadata_fetcher=fetcher)
    assert report.verified, report.failed
    assert "integrity verified" in report.check("sdjwt.vct").message  # type: ignore[union-attr]


def test_type_metadata_integrity_mismatch_refused() -> None:
    fetcher = _Fetcher({VCT: TYPE_METADATA})
    token = _vc(vct=VCT, vct_integrity=_sri(b"something else"))
    assert _failed(mc.verify(token, now=NOW, metadata_fetcher=fetcher)) == "sdjwt.vct"


def test_type_metadata_for_another_vct_refused() -> None:
    fetcher = _Fetcher({VCT: json.dumps({"vct": "urn:other"}).encode()})
    assert _failed(mc.verify(_vc(vct=VCT), now=NOW, metadata_fetcher=fetcher)) == "sdjwt.vct"


def test_type_metadata_not_fetched_offline() -> None:
    report = mc.verify(_vc(vct=VCT), now=NOW)
    assert report.verified
    assert "not retrieved" in report.check("sdjwt.vct").message  # type: ignore[union-attr]


def test_sri() -> None:
    data = b"metadata"
    digest384 = base64.b64encode(hashlib.sha384(data).digest()).decode()
    assert sri_matches(_sri(data), data)
    assert sri_matches(f"{_sri(b'x')} sha384-{digest384}", data)  # the strongest decides
    assert not sri_matches(f"{_sri(data)} sha384-AAAA", data)
    assert not sri_matches("md5-abc", data)


_PRESENTED = None


@given(st.integers(min_value=0), st.sampled_from(list("AZaz09-_~.=!")))
def test_property_any_one_character_changed_never_verifies_nor_crashes(
    where: int, char: str
) -> None:
    global _PRESENTED
    if _PRESENTED is None:
        _PRESENTED = _present(_vc(), disclose=("/ects", "/grade"))
    text = _PRESENTED
    index = where % len(text)
    if text[index] == char:
        return
    mutated = text[:index] + char + text[index + 1 :]
    report = mc.verify(mutated, now=NOW, nonce="n", audience="https://rp.example")
    assert report.check("internal") is None
    assert not report.verified, (index, char)


def test_type_metadata_extends_a_chain_with_integrity() -> None:
    base_url = "https://credentials.example.org/base"
    base = json.dumps({"vct": base_url, "name": "Base"}).encode()
    child = json.dumps(
        {"vct": VCT, "name": "Child", "extends": base_url, "extends#integrity": _sri(base)}
    ).encode()
    fetcher = _Fetcher({VCT: child, base_url: base})
    report = mc.verify(_vc(vct=VCT), now=NOW, metadata_fetcher=fetcher)
    assert report.verified, report.failed
    assert "extends https://credentials.example.org/base" in report.check("sdjwt.vct").message  # type: ignore[union-attr]
    fetcher.documents[base_url] = json.dumps({"vct": base_url, "name": "Changed"}).encode()
    assert _failed(mc.verify(_vc(vct=VCT), now=NOW, metadata_fetcher=fetcher)) == "sdjwt.vct"


def test_type_metadata_cycle_refused() -> None:
    other = "https://credentials.example.org/other"
    fetcher = _Fetcher(
        {
            VCT: json.dumps({"vct": VCT, "extends": other}).encode(),
            other: json.dumps({"vct": other, "extends": VCT}).encode(),
        }
    )
    report = mc.verify(_vc(vct=VCT), now=NOW, metadata_fetcher=fetcher)
    assert _failed(report) == "sdjwt.vct"
    assert len(fetcher.asked) == 2


def test_a_large_sd_jwt_is_still_recognised() -> None:
    token = issue_sd_jwt_vc(
        {"description": "x" * 20_000, "grade": "A"},
        ISSUER,
        vct="urn:x",
        issued_at=NOW,
        disclosable=["/grade"],
    )
    assert token.index("~") > 20_000
    report = mc.verify(token, now=NOW)
    assert report.verified, report.failed
    assert report.format == "sd-jwt-vc"


def test_x5c_does_not_vouch_for_a_did_it_does_not_name(pki: dict[str, Any]) -> None:
    pem = pki["root"].public_bytes(serialization.Encoding.PEM)
    report = mc.verify(_x5c_token(pki, ISSUER.did), now=NOW, trust_anchors=[pem])
    assert _failed(report) == "sdjwt.issuer-key"


def test_x5c_without_iss_the_certificate_is_the_issuer(pki: dict[str, Any]) -> None:
    pem = pki["root"].public_bytes(serialization.Encoding.PEM)
    report = mc.verify(_x5c_token(pki, None), now=NOW, trust_anchors=[pem])
    assert report.verified, report.failed
    assert "issuer.example.org" in report.check("issuer").message  # type: ignore[union-attr]


def _with_claims(claims: list[dict[str, Any]]) -> bytes:
    return json.dumps({"vct": VCT, "claims": claims}).encode()


@pytest.mark.parametrize(
    ("rule", "path", "ok"),
    [
        ("never", ["grade"], False),  # the grade is disclosed
        ("never", ["name"], True),  # the name is in clear
        ("always", ["name"], False),
        ("always", ["grade"], True),
        ("allowed", ["grade"], True),
        ("never", ["missing"], True),
    ],
)
def test_type_metadata_sd_rules(rule: str, path: list[Any], ok: bool) -> None:
    fetcher = _Fetcher({VCT: _with_claims([{"path": path, "sd": rule}])})
    presented = _present(_vc(vct=VCT), disclose=("/grade",))
    report = mc.verify(presented, now=NOW, metadata_fetcher=fetcher)
    assert report.verified is ok, report.checks
    if not ok:
        assert report.failed[0].id == "sdjwt.vct"


def test_claim_path_null_selects_every_element() -> None:
    token = issue_sd_jwt_vc(
        {"langs": ["sv", "en"]}, ISSUER, vct=VCT, issued_at=NOW, disclosable=["/langs/1"]
    )
    fetcher = _Fetcher({VCT: _with_claims([{"path": ["langs", None], "sd": "never"}])})
    assert _failed(mc.verify(token, now=NOW, metadata_fetcher=fetcher)) == "sdjwt.vct"


def _as_json(text: str, *, general: bool = False) -> dict[str, Any]:
    """An SD-JWT in JWS JSON Serialization (RFC 9901 §8): Disclosures and the KB-JWT in the
    unprotected header."""
    jwt, *disclosures, kb = text.split("~")
    protected, payload, signature = jwt.split(".")
    header: dict[str, Any] = {"disclosures": disclosures}
    if kb:
        header["kb_jwt"] = kb
    entry = {"protected": protected, "header": header, "signature": signature}
    if general:
        return {"payload": payload, "signatures": [entry]}
    return {"payload": payload, **entry}


@pytest.mark.parametrize("general", [False, True])
def test_json_serialization(general: bool) -> None:
    presented = _present(_vc(), disclose=("/grade",))
    value = _as_json(presented, general=general)
    report = mc.verify(value, now=NOW, nonce="n", audience="https://rp.example")
    assert report.verified, report.failed
    assert report.disclosed == ["/grade"]
    # sd_hash is over the compact form of what is presented (RFC 9901 §8.1): a disclosure
    # dropped from the JSON form breaks it as it would the compact form
    value = _as_json(presented, general=general)
    entry = value["signatures"][0] if general else value
    entry["header"]["disclosures"] = []
    report = mc.verify(value, now=NOW, nonce="n", audience="https://rp.example")
    assert _failed(report) == "sdjwt.kb"


@pytest.mark.parametrize(
    "change",
    [
        lambda v: v.update(signatures=[v["signatures"][0], v["signatures"][0]]),
        lambda v: v["signatures"][0]["header"].update(disclosures="x"),
        lambda v: v["signatures"][0]["header"].update(kb_jwt=5),
        lambda v: v["signatures"][0].update(header=[]),
        lambda v: v["signatures"][0].update(protected=None),
    ],
)
def test_json_serialization_malformed(change: Any) -> None:
    value = _as_json(_vc(), general=True)
    change(value)
    report = mc.verify(value, now=NOW)
    assert _failed(report) == "sdjwt.format"
