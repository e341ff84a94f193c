"""The verifier: requests, Request Objects, and the verification of a wallet's response."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.oid4vp._fixtures import (
    HOLDER,
    JWT_VC,
    LDP_VC,
    MICRO_QUERY,
    SD_JWT_VC,
    VERIFIER_CERT,
    VERIFIER_KEY,
    new_verifier,
    ob3_query,
    verifier_config,
)

from microcred._store import MEMORY, SqliteStore
from microcred.errors import OAuthError
from microcred.oid4vp import Verifier, VerifierConfig, answer_request, read_request
from microcred.oid4vp._jwe import decrypt, encrypt, new_key, public_jwk
from microcred.oid4vp._verifier import self_signed


def _fetcher(verifier: Verifier) -> Any:
    return lambda url: verifier.request_object(url.rsplit("/", 1)[1])


def _rejected(verifier: Verifier, form: dict[str, str], params: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(OAuthError) as caught:
        verifier.receive(form)
    assert caught.value.error == "invalid_request"
    result = verifier.result(_id_of(verifier, params))
    assert result is not None
    assert result.status == "rejected"
    assert not result.verified
    return result.to_json()


_IDS: dict[str, str] = {}


def _id_of(verifier: Verifier, params: dict[str, Any]) -> str:
    return _IDS[params["state"]]


def _track(
    verifier: Verifier, query: Any = MICRO_QUERY, mode: str = "direct_post"
) -> dict[str, Any]:
    request = verifier.create_request(query, response_mode=mode)
    params = read_request(request.uri, fetch=_fetcher(verifier))
    _IDS[params["state"]] = request.id
    return params


# ------------------------------------------------------------------ the request


def test_the_request_object_is_signed_typed_and_carries_the_request() -> None:
    verifier = new_verifier()
    request = verifier.create_request(MICRO_QUERY)
    assert request.uri.startswith(
        "openid4vp://?client_id=x509_san_dns%3Averifier.example&request_uri="
    )
    token = verifier.request_object(request.id)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["typ"] == "oauth-authz-req+jwt"
    assert header["alg"] == "ES256"
    assert base64.b64decode(header["x5c"][0]) == VERIFIER_CERT
    params = read_request(request.uri, fetch=_fetcher(verifier))
    assert params["client_id"] == "x509_san_dns:verifier.example"
    assert params["response_type"] == "vp_token"
    assert params["response_mode"] == "direct_post"
    assert params["response_uri"] == "https://verifier.example/oid4vp/response"
    assert params["dcql_query"] == MICRO_QUERY
    assert params["nonce"] == request.nonce
    assert params["state"] == request.state
    assert params["aud"] == "https://self-issued.me/v2"
    assert "dc+sd-jwt" in params["client_metadata"]["vp_formats_supported"]
    assert verifier.result(request.id).status == "pending"  # type: ignore[union-attr]


def test_an_unknown_request_object_is_invalid_request_uri() -> None:
    with pytest.raises(OAuthError) as caught:
        new_verifier().request_object("nope")
    assert (caught.value.error, caught.value.status) == ("invalid_request_uri", 404)


def test_a_tampered_request_object_is_refused_by_the_holder() -> None:
    verifier = new_verifier()
    request = verifier.create_request(MICRO_QUERY)
    token = verifier.request_object(request.id)
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["response_uri"] = "https://evil.example/oid4vp/response"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(OAuthError, match="signature or typ"):
        read_request(request.uri, fetch=lambda url: f"{head}.{forged}.{sig}")


def test_redirect_uri_requests_go_by_value_unsigned() -> None:
    # OpenID4VP 1.0 §5.9.3, redirect_uri: "the Authorization Request MUST NOT be signed"
    verifier = Verifier(verifier_config(prefix="redirect_uri"), SqliteStore(MEMORY))
    request = verifier.create_request(MICRO_QUERY)
    assert request.request_uri is None
    assert request.client_id == "redirect_uri:https://verifier.example/oid4vp/response"
    params = read_request(request.uri)
    assert params["dcql_query"] == MICRO_QUERY
    with pytest.raises(OAuthError, match="by value"):
        verifier.request_object(request.id)
    result = verifier.receive(answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER))
    assert result.verified


def test_the_configuration_checks_the_certificate() -> None:
    with pytest.raises(ValueError, match=r"does not name verifier\.other"):
        VerifierConfig("https://verifier.other", key=VERIFIER_KEY, certificates=(VERIFIER_CERT,))
    other_key, _ = self_signed("verifier.example")
    with pytest.raises(ValueError, match="does not certify the signing key"):
        VerifierConfig("https://verifier.example", key=other_key, certificates=(VERIFIER_CERT,))
    with pytest.raises(ValueError, match="needs a signing key"):
        VerifierConfig("https://verifier.example")
    with pytest.raises(ValueError, match="prefix must be"):
        VerifierConfig("https://verifier.example", prefix="did")


# ------------------------------------------------------------------ answers


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
@pytest.mark.parametrize(
    ("query", "credentials"),
    [
        (MICRO_QUERY, {"micro_credential": SD_JWT_VC}),
        (ob3_query("ldp_vc"), {"badge": LDP_VC}),
        (ob3_query("jwt_vc_json"), {"badge": JWT_VC}),
    ],
    ids=["dc+sd-jwt", "ldp_vc", "jwt_vc_json"],
)
def test_a_wallet_answer_is_verified(mode: str, query: Any, credentials: Any) -> None:
    hooked: list[dict[str, Any]] = []
    verifier = new_verifier(webhook=hooked.append)
    request = verifier.create_request(query, response_mode=mode)
    params = read_request(request.uri, fetch=_fetcher(verifier))
    form = answer_request(params, credentials, HOLDER)
    assert ("response" in form) == (mode == "direct_post.jwt")
    result = verifier.receive(form)
    assert result.verified, result.errors
    (query_id,) = credentials
    (entry,) = result.credentials[query_id]
    assert entry["verified"]
    assert entry["errors"] == []
    assert entry["claims"][0]["path"] == ["credentialSubject", "achievement", "name"]
    assert verifier.result(request.id) == result
    assert hooked == [result.to_json()]


def test_the_micro_credential_answer_discloses_title_ects_and_issuer_only() -> None:
    verifier = new_verifier()
    params = _track(verifier)
    result = verifier.receive(answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER))
    (entry,) = result.credentials["micro_credential"]
    values = {tuple(c["path"]): c["value"] for c in entry["claims"]}
    assert values[("credentialSubject", "achievement", "name")] == "Grundläggande maskininlärning"
    assert values[("issuer", "name")] == "Exempeluniversitetet"
    assert ("credentialSubject", "achievement", "ECTS") in values
    assert "Tolvan" not in json.dumps(result.to_json())  # the learner's name stayed hidden


# ------------------------------------------------------------------ refusals


def test_a_vp_token_for_another_nonce_is_refused() -> None:
    verifier = new_verifier()
    params = _track(verifier)
    form = answer_request(
        {**params, "nonce": "another-nonce"}, {"micro_credential": SD_JWT_VC}, HOLDER
    )
    result = _rejected(verifier, form, params)
    assert any("sdjwt.kb" in e and "nonce" in e for e in result["errors"])


def test_a_vp_token_for_another_audience_is_refused() -> None:
    verifier = new_verifier()
    params = _track(verifier)
    other = {**params, "client_id": "x509_san_dns:other.example"}
    result = _rejected(
        verifier, answer_request(other, {"micro_credential": SD_JWT_VC}, HOLDER), params
    )
    assert any("sdjwt.kb" in e and "aud" in e for e in result["errors"])


@pytest.mark.parametrize(("fmt", "credential"), [("ldp_vc", LDP_VC), ("jwt_vc_json", JWT_VC)])
def test_a_w3c_presentation_for_another_nonce_or_domain_is_refused(
    fmt: str, credential: Any
) -> None:
    verifier = new_verifier()
    for wrong in ({"nonce": "another"}, {"client_id": "x509_san_dns:other.example"}):
        params = _track(verifier, ob3_query(fmt))
        form = answer_request({**params, **wrong}, {"badge": credential}, HOLDER)
        result = _rejected(verifier, form, params)
        checks = {e.split(": ")[1] for e in result["errors"] if e.startswith("badge[0]: ")}
        assert checks & {"proof.challenge", "proof.domain", "jwt.claims"}, result["errors"]


def test_an_unrequested_disclosure_is_refused() -> None:
    verifier = new_verifier()
    params = _track(verifier)
    disclose = {
        "micro_credential": [
            "/credentialSubject/achievement/name",
            "/credentialSubject/identifier/0",
        ]
    }
    form = answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER, disclose=disclose)
    result = _rejected(verifier, form, params)
    unrequested = "claim /credentialSubject/identifier/0 was disclosed but not requested"
    assert f"micro_credential[0]: dcql: {unrequested}" in result["errors"]
    assert (
        result["credentials"]["micro_credential"][0]["claims"] == []
    )  # nothing of a refused answer is kept


def test_an_undisclosed_requested_claim_is_refused() -> None:
    verifier = new_verifier()
    query = json.loads(json.dumps(MICRO_QUERY))
    query["credentials"][0]["claims"].append({"path": ["credentialSubject", "result"]})
    params = _track(verifier, query)
    form = answer_request(
        params, {"micro_credential": SD_JWT_VC}, HOLDER, disclose={"micro_credential": []}
    )
    result = _rejected(verifier, form, params)
    missing = "requested claim ['credentialSubject', 'result'] is not disclosed"
    assert f"micro_credential[0]: dcql: {missing}" in result["errors"]


def test_a_replayed_response_is_refused_and_the_result_stays() -> None:
    verifier = new_verifier()
    params = _track(verifier)
    form = answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER)
    first = verifier.receive(form)
    with pytest.raises(OAuthError, match="unknown, expired or already answered state"):
        verifier.receive(form)
    assert verifier.result(_id_of(verifier, params)) == first


def test_a_replayed_encrypted_response_is_refused() -> None:
    verifier = new_verifier()
    params = _track(verifier, mode="direct_post.jwt")
    form = answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER)
    assert verifier.receive(form).verified
    with pytest.raises(OAuthError, match="kid names no open request"):
        verifier.receive(form)


def test_a_response_to_an_expired_request_is_refused() -> None:
    now = [1_000_000.0]
    verifier = Verifier(verifier_config(), SqliteStore(MEMORY), clock=lambda: now[0])
    params = _track(verifier)
    now[0] += 301
    with pytest.raises(OAuthError, match="unknown, expired"):
        verifier.receive(answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER))


def test_an_unencrypted_answer_to_a_direct_post_jwt_request_is_refused() -> None:
    verifier = new_verifier()
    params = _track(verifier, mode="direct_post.jwt")
    plain = answer_request(
        {**params, "response_mode": "direct_post"}, {"micro_credential": SD_JWT_VC}, HOLDER
    )
    result = _rejected(verifier, plain, params)
    assert result["errors"] == ["the request asked for an encrypted response (direct_post.jwt)"]


def test_a_tampered_or_misdirected_jwe_is_refused() -> None:
    verifier = new_verifier()
    params = _track(verifier, mode="direct_post.jwt")
    form = answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER)
    head, key, iv, text, tag = form["response"].split(".")
    flipped = text[:-2] + ("A" if text[-2] != "A" else "B") + text[-1]
    with pytest.raises(OAuthError, match="does not decrypt"):
        verifier.receive({"response": ".".join([head, key, iv, flipped, tag])})
    with pytest.raises(OAuthError, match="not a compact JWE"):
        verifier.receive({"response": "a.b.c"})
    assert verifier.receive(form).verified  # the state was not used up by the failures


@pytest.mark.parametrize(
    ("vp_token", "error"),
    [
        (None, "the response has no vp_token"),
        ("[", "vp_token is not JSON (or too large or deep)"),
        (
            '{"micro_credential": ["a"], "micro_credential": ["b"]}',
            "vp_token is not JSON (or too large or deep)",
        ),
        ("[" * 5000, "vp_token is not JSON (or too large or deep)"),
        ("[]", "vp_token must be a non-empty JSON object keyed by credential query id"),
        ('{"other": ["x"]}', "vp_token answers 1 credential query id(s) the request has not"),
        ('{"micro_credential": []}', "vp_token.micro_credential must be a non-empty array"),
        (
            '{"micro_credential": ["a", "b"]}',
            "vp_token.micro_credential has more presentations than the query allows",
        ),
        (
            '{"micro_credential": [{"a": 1}]}',
            "micro_credential[0]: a dc+sd-jwt presentation is a string",
        ),
    ],
)
def test_a_malformed_vp_token_is_refused(vp_token: str | None, error: str) -> None:
    verifier = new_verifier()
    params = _track(verifier)
    form = (
        {"state": params["state"]}
        if vp_token is None
        else {"state": params["state"], "vp_token": vp_token}
    )
    assert error in _rejected(verifier, form, params)["errors"]


def test_a_failing_webhook_changes_nothing() -> None:
    def hook(result: dict[str, Any]) -> None:
        raise ConnectionError("the relying party is down")

    verifier = new_verifier(webhook=hook)
    params = _track(verifier)
    assert verifier.receive(
        answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER)
    ).verified
    assert verifier.result(_id_of(verifier, params)).verified  # type: ignore[union-attr]


def test_a_wallet_error_response_is_recorded() -> None:
    verifier = new_verifier()
    params = _track(verifier)
    result = verifier.receive({"state": params["state"], "error": "access_denied"})
    assert (result.status, result.errors) == ("error", ("the wallet answered access_denied",))


def test_a_response_without_a_known_state_is_refused() -> None:
    verifier = new_verifier()
    for form in ({}, {"state": "x" * 65}, {"state": "unknown", "vp_token": "{}"}):
        with pytest.raises(OAuthError):
            verifier.receive(form)


def test_the_jwe_round_trips_and_jwcrypto_decrypts_ours() -> None:
    from jwcrypto import jwe, jwk

    key = new_key()
    token = encrypt({"a": 1}, {**public_jwk(key), "kid": "k"}, enc="A256GCM")
    assert decrypt(token, key, max_bytes=1024) == {"a": 1}
    theirs = jwe.JWE()
    theirs.deserialize(token, key=jwk.JWK(**key))
    assert json.loads(theirs.payload) == {"a": 1}
    made = jwe.JWE(b'{"b": 2}', json.dumps({"alg": "ECDH-ES", "enc": "A128GCM", "kid": "k"}))
    made.add_recipient(jwk.JWK(**public_jwk(key)))
    assert decrypt(made.serialize(compact=True), key, max_bytes=1024) == {"b": 2}


FIELDS = st.sampled_from(["state", "vp_token", "response", "error", "nonce"])


@settings(max_examples=200, deadline=None)
@given(
    form=st.dictionaries(
        FIELDS, st.text(max_size=40) | st.sampled_from(["{}", '{"a": [1]}', "a.b.c.d.e"])
    )
)
def test_hostile_responses_are_oauth_errors_and_verify_nothing(form: dict[str, str]) -> None:
    verifier = new_verifier()
    params = _track(verifier)
    if "state" in form and form["state"] == "":
        form["state"] = params["state"]  # sometimes the real state, with a hostile rest
    outcome = ""
    try:
        outcome = verifier.receive(form).status
    except OAuthError as exc:
        outcome = exc.error
    assert outcome in ("invalid_request", "error")  # only a wallet's error response is taken
    assert verifier.result(_id_of(verifier, params)).status in ("pending", "rejected", "error")  # type: ignore[union-attr]
