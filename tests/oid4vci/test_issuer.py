"""The issuer's endpoints (OpenID4VCI 1.0 §6 token, §7 nonce, §8 credential, Appendix F.1 key
proofs): what is issued, and each protocol error, with nothing issued when refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.errors import OAuthError
from microcred.jose import decode_unverified
from microcred.jose._jwt import _sign
from microcred.keys import KeyPair, generate
from microcred.oid4vci import PRE_AUTHORIZED_GRANT, Issuer, IssuerConfig, key_proof
from microcred.verify import verify

from .conftest import FORM, OB3_JWT, OB3_LDP, SD_JWT, URL, Clock


def _token(issuer: Issuer, tx_code: bool = False) -> tuple[str, Any]:
    offer = issuer.create_offer(FORM, tx_code=tx_code)
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    if tx_code:
        form["tx_code"] = offer.tx_code or ""
    return issuer.token(form)["access_token"], offer


def _request(configuration: str, proof: str) -> dict[str, Any]:
    return {"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}}


def _proof(issuer: Issuer, holder: KeyPair, **options: Any) -> str:
    nonce = options.pop("nonce", None) or issuer.nonce()["c_nonce"]
    options.setdefault("issued_at", int(issuer._clock()))
    options.setdefault("audience", URL)
    return key_proof(holder, nonce=nonce, **options)


def _refused(error: str, call: Any, *args: Any, **kwargs: Any) -> OAuthError:
    with pytest.raises(OAuthError) as caught:
        call(*args, **kwargs)
    assert caught.value.error == error, caught.value.description
    return caught.value


# ---------------------------------------------------------------------- issued


@pytest.mark.parametrize("by", ["jwk", "kid"])
def test_each_configuration_is_issued_bound_to_the_proved_key(
    issuer: Issuer, holder: KeyPair, by: str
) -> None:
    token, _ = _token(issuer)
    sd_jwt = issuer.credential(token, _request(SD_JWT, _proof(issuer, holder, by=by)))
    credential = sd_jwt["credentials"][0]["credential"]
    assert verify(credential).verified
    assert decode_unverified(credential.split("~")[0])[1]["cnf"]["jwk"] == holder.public_jwk()
    expected_did = (
        holder.did if by == "kid" else KeyPair.from_jwk(holder.public_jwk(), did_method="jwk").did
    )
    for configuration in (OB3_JWT, OB3_LDP):
        answer = issuer.credential(token, _request(configuration, _proof(issuer, holder, by=by)))
        issued = answer["credentials"][0]["credential"]
        report = verify(issued)
        assert report.verified, [c.message for c in report.failed]
        document = issued if isinstance(issued, dict) else decode_unverified(issued)[1]
        assert document["credentialSubject"]["id"] == expected_did


def test_the_draft_proof_member_is_read_too(issuer: Issuer, holder: KeyPair) -> None:
    token, _ = _token(issuer)
    body = {
        "credential_configuration_id": SD_JWT,
        "proof": {"proof_type": "jwt", "jwt": _proof(issuer, holder)},
    }
    assert issuer.credential(token, body)["credentials"]


# ---------------------------------------------------------------------- token endpoint


def test_a_replayed_pre_authorized_code_is_invalid_grant(issuer: Issuer) -> None:
    offer = issuer.create_offer(FORM)
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    issuer.token(form)
    _refused("invalid_grant", issuer.token, form)


def test_an_expired_offer_is_invalid_grant(issuer: Issuer, clock: Clock) -> None:
    offer = issuer.create_offer(FORM, ttl=60)
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    clock.now += 61
    _refused(
        "invalid_grant",
        issuer.token,
        {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code},
    )


def test_a_wrong_tx_code_is_invalid_grant_and_spends_the_offer_after_the_attempts(
    issuer: Issuer,
) -> None:
    offer = issuer.create_offer(FORM, tx_code=True)
    assert offer.tx_code is not None
    assert offer.tx_code.isdigit()
    assert len(offer.tx_code) == 6
    grant = offer.offer["grants"][PRE_AUTHORIZED_GRANT]
    assert grant["tx_code"]["input_mode"] == "numeric"
    assert grant["tx_code"]["length"] == 6
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": grant["pre-authorized_code"]}
    wrong = str((int(offer.tx_code) + 1) % 10**6).zfill(6)
    first = _refused("invalid_grant", issuer.token, {**form, "tx_code": wrong})
    assert "2 attempt(s) left" in first.description
    _refused("invalid_grant", issuer.token, {**form, "tx_code": wrong})
    last = _refused("invalid_grant", issuer.token, {**form, "tx_code": wrong})
    assert "spent" in last.description
    # the right code no longer helps: the pre-authorized code is gone
    _refused("invalid_grant", issuer.token, {**form, "tx_code": offer.tx_code})


def test_a_wrong_tx_code_then_the_right_one_redeems(issuer: Issuer) -> None:
    offer = issuer.create_offer(FORM, tx_code=True)
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    _refused("invalid_grant", issuer.token, {**form, "tx_code": "x"})
    assert issuer.token({**form, "tx_code": offer.tx_code})["token_type"] == "Bearer"


def test_a_missing_or_unexpected_tx_code_is_invalid_request(issuer: Issuer) -> None:
    # OpenID4VCI 1.0 §6.3: invalid_request when the Transaction Code is expected but not sent,
    # or sent but not expected
    with_pin = issuer.create_offer(FORM, tx_code=True)
    code = with_pin.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    _refused("invalid_request", issuer.token, form)
    assert issuer.token({**form, "tx_code": with_pin.tx_code})["access_token"]
    without = issuer.create_offer(FORM)
    code = without.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    _refused("invalid_request", issuer.token, {**form, "tx_code": "123456"})
    assert issuer.token(form)["access_token"]


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": PRE_AUTHORIZED_GRANT}, "invalid_request"),
        ({"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "x" * 600}, "invalid_request"),
        ({"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "unknown"}, "invalid_grant"),
    ],
)
def test_malformed_token_requests(issuer: Issuer, form: dict[str, str], error: str) -> None:
    _refused(error, issuer.token, form)


def test_failed_token_requests_are_rate_limited_per_client(issuer: Issuer) -> None:
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "guess"}
    for _ in range(issuer.config.token_rate):
        _refused("invalid_grant", issuer.token, form, client="192.0.2.1")
    limited = _refused("slow_down", issuer.token, form, client="192.0.2.1")
    assert limited.status == 429
    _refused("invalid_grant", issuer.token, form, client="192.0.2.2")  # another client


# ---------------------------------------------------------------------- credential endpoint


def test_a_replayed_nonce_is_invalid_nonce_and_nothing_is_issued(
    issuer: Issuer, holder: KeyPair
) -> None:
    token, _ = _token(issuer)
    nonce = issuer.nonce()["c_nonce"]
    issuer.credential(token, _request(SD_JWT, _proof(issuer, holder, nonce=nonce)))
    _refused(
        "invalid_nonce",
        issuer.credential,
        token,
        _request(OB3_JWT, _proof(issuer, holder, nonce=nonce)),
    )
    # OB3_JWT was not issued: a fresh nonce gets it
    assert issuer.credential(token, _request(OB3_JWT, _proof(issuer, holder)))["credentials"]


def test_a_stale_nonce_is_invalid_nonce(issuer: Issuer, holder: KeyPair, clock: Clock) -> None:
    token, _ = _token(issuer)
    nonce = issuer.nonce()["c_nonce"]
    clock.now += issuer.config.nonce_ttl + 1
    proof = _proof(issuer, holder, nonce=nonce)
    error = _refused("invalid_nonce", issuer.credential, token, _request(SD_JWT, proof))
    assert "expired" in error.description


def test_a_nonce_of_another_issuer_is_invalid_nonce(
    issuer: Issuer, holder: KeyPair, clock: Clock
) -> None:
    from microcred._store import MEMORY, SqliteStore

    other = Issuer(IssuerConfig(URL, generate("P-256")), SqliteStore(MEMORY), clock=clock)
    token, _ = _token(issuer)
    proof = _proof(issuer, holder, nonce=other.nonce()["c_nonce"])
    _refused("invalid_nonce", issuer.credential, token, _request(SD_JWT, proof))
    forged = _proof(issuer, holder, nonce="1999999999.abc.def")
    _refused("invalid_nonce", issuer.credential, token, _request(SD_JWT, forged))


def _claims(issuer: Issuer, **changes: Any) -> dict[str, Any]:
    claims = {"aud": URL, "iat": int(issuer._clock()), "nonce": issuer.nonce()["c_nonce"]}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _signed(holder: KeyPair, header: dict[str, Any], claims: dict[str, Any]) -> str:
    return _sign({"alg": "ES256", **header}, claims, holder)


@pytest.mark.parametrize(
    ("case", "named"),
    [
        ("wrong aud", "aud"),
        ("aud missing", "aud"),
        ("wrong typ", "typ"),
        ("typ missing", "typ"),
        ("iat too old", "iat"),
        ("iat in the future", "iat"),
        ("iat missing", "iat"),
        ("nonce missing", "nonce"),
        ("key of another holder", "signature"),
        ("private jwk", "public key"),
        ("jwk and kid", "exactly one"),
        ("kid not a DID", "did:key"),
        ("x5c", "exactly one"),
        ("alg does not fit", "does not fit"),
        ("crit", "critical"),
    ],
)
def test_a_bad_key_proof_is_invalid_proof_and_nothing_is_issued(
    issuer: Issuer, holder: KeyPair, case: str, named: str
) -> None:
    token, _ = _token(issuer)
    typ = {"typ": "openid4vci-proof+jwt"}
    jwk = {"jwk": holder.public_jwk()}
    now = int(issuer._clock())
    header, claims, signer = {**typ, **jwk}, _claims(issuer), holder
    if case == "wrong aud":
        claims["aud"] = "https://other.example"
    elif case == "aud missing":
        del claims["aud"]
    elif case == "wrong typ":
        header["typ"] = "JWT"
    elif case == "typ missing":
        del header["typ"]
    elif case == "iat too old":
        claims["iat"] = now - issuer.config.proof_max_age - 1
    elif case == "iat in the future":
        claims["iat"] = now + 120
    elif case == "iat missing":
        del claims["iat"]
    elif case == "nonce missing":
        del claims["nonce"]
    elif case == "key of another holder":
        signer = generate("P-256")
    elif case == "private jwk":
        header["jwk"] = holder.private_jwk()
    elif case == "jwk and kid":
        header["kid"] = holder.verification_method
    elif case == "kid not a DID":
        header = {**typ, "kid": "key-1"}
    elif case == "x5c":
        header = {**typ, "x5c": ["MIIB"]}
    elif case == "alg does not fit":
        header["jwk"] = generate("Ed25519").public_jwk()
    elif case == "crit":
        header["crit"] = ["b64"]
    proof = _signed(signer, header, claims)
    error = _refused("invalid_proof", issuer.credential, token, _request(SD_JWT, proof))
    assert named in error.description
    # nothing changed: the same configuration is still issued with a good proof, and the
    # refused proof's nonce is still unused
    good = _proof(issuer, holder, nonce=claims.get("nonce"))
    assert issuer.credential(token, _request(SD_JWT, good))["credentials"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"credential_configuration_id": "nope", "proofs": {"jwt": ["x"]}},
            "unknown_credential_configuration",
        ),
        ({"proofs": {"jwt": ["x"]}}, "invalid_credential_request"),
        ({"credential_identifier": "x"}, "unknown_credential_identifier"),
        ({"format": "dc+sd-jwt", "vct": "x"}, "invalid_credential_request"),
        ({"credential_configuration_id": SD_JWT}, "invalid_proof"),
        ({"credential_configuration_id": SD_JWT, "proofs": {"ldp_vp": [{}]}}, "invalid_proof"),
        (
            {"credential_configuration_id": SD_JWT, "proofs": {"jwt": []}},
            "invalid_credential_request",
        ),
        (
            {"credential_configuration_id": SD_JWT, "proofs": {"jwt": ["a", "b"]}},
            "invalid_credential_request",
        ),
        ({"credential_configuration_id": SD_JWT, "proofs": {"jwt": [7]}}, "invalid_proof"),
        (
            {"credential_configuration_id": SD_JWT, "proofs": {"jwt": ["not.a.jws"]}},
            "invalid_proof",
        ),
        (
            {"credential_configuration_id": SD_JWT, "credential_response_encryption": {}},
            "invalid_encryption_parameters",
        ),
    ],
)
def test_malformed_credential_requests(issuer: Issuer, body: dict[str, Any], error: str) -> None:
    token, _ = _token(issuer)
    _refused(error, issuer.credential, token, body)


def test_a_configuration_is_issued_once_per_token(issuer: Issuer, holder: KeyPair) -> None:
    token, _ = _token(issuer)
    issuer.credential(token, _request(SD_JWT, _proof(issuer, holder)))
    _refused(
        "credential_request_denied",
        issuer.credential,
        token,
        _request(SD_JWT, _proof(issuer, holder)),
    )


def test_a_configuration_not_offered_is_unknown(issuer: Issuer, holder: KeyPair) -> None:
    offer = issuer.create_offer(FORM, configurations=[SD_JWT])
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    token = issuer.token({"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code})
    _refused(
        "unknown_credential_configuration",
        issuer.credential,
        token["access_token"],
        _request(OB3_LDP, _proof(issuer, holder)),
    )


def test_a_missing_unknown_or_expired_token_is_invalid_token(
    issuer: Issuer, holder: KeyPair, clock: Clock
) -> None:
    body = _request(SD_JWT, _proof(issuer, holder))
    assert _refused("invalid_token", issuer.credential, None, body).status == 401
    _refused("invalid_token", issuer.credential, "unknown", body)
    token, _ = _token(issuer)
    clock.now += issuer.config.token_ttl + 1
    _refused("invalid_token", issuer.credential, token, body)


# ---------------------------------------------------------------------- offers


def test_an_offer_by_reference_is_served_until_it_is_redeemed(issuer: Issuer) -> None:
    offer = issuer.create_offer(FORM, by_reference=True)
    assert "credential_offer_uri=" in offer.uri
    assert issuer.offer_by_reference(offer.id) == offer.offer
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    issuer.token({"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code})
    assert _refused("invalid_request", issuer.offer_by_reference, offer.id).status == 404


def test_an_offer_needs_a_complete_form_with_its_learner(issuer: Issuer) -> None:
    without_learner = {k: v for k, v in FORM.items() if k != "learner"}
    with pytest.raises(ValueError, match="learner"):
        issuer.create_offer(without_learner)
    with pytest.raises(ValueError, match="title"):
        issuer.create_offer({k: v for k, v in FORM.items() if k != "title"})
    with pytest.raises(ValueError, match="configuration"):
        issuer.create_offer(FORM, configurations=["nope"])


def test_an_offer_for_a_roster_row(issuer: Issuer, holder: KeyPair) -> None:
    template = {k: v for k, v in FORM.items() if k != "learner"}
    offer = issuer.create_offer_for_row(template, {"Namn": "Kim Karlsson", "Betyg": "G"})
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    token = issuer.token({"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code})
    answer = issuer.credential(token["access_token"], _request(OB3_LDP, _proof(issuer, holder)))
    document = answer["credentials"][0]["credential"]
    assert document["credentialSubject"]["result"][0]["value"] == "G"
    with pytest.raises(ValueError, match="not a pass"):
        issuer.create_offer_for_row(template, {"Namn": "Kim Karlsson", "Betyg": "U"})


def test_the_store_holds_no_code_and_no_token_in_clear(issuer: Issuer) -> None:
    token, offer = _token(issuer)
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    for namespace in ("oid4vci.code", "oid4vci.token"):
        assert issuer.store.get(namespace, code) is None
        assert issuer.store.get(namespace, token) is None


# ---------------------------------------------------------------------- hostile input


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(["credential_configuration_id", "proofs", "proof", "format", "x"]),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=30),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=8,
        ),
        max_size=4,
    )
)
def test_any_credential_request_is_refused_with_an_oauth_error(
    issuer: Issuer, body: dict[str, Any]
) -> None:
    access, _ = _token(issuer)
    with pytest.raises(OAuthError):
        issuer.credential(access, body)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(proof=st.text(max_size=200) | st.binary(max_size=100).map(lambda b: b.hex()))
def test_any_proof_string_is_invalid_proof(issuer: Issuer, proof: str) -> None:
    access, _ = _token(issuer)
    with pytest.raises(OAuthError) as caught:
        issuer.credential(access, _request(SD_JWT, proof))
    assert caught.value.error in ("invalid_proof", "invalid_credential_request")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(
        st.sampled_from(["grant_type", "pre-authorized_code", "tx_code", "x"]),
        st.text(max_size=40) | st.just(PRE_AUTHORIZED_GRANT),
        max_size=4,
    )
)
def test_any_token_request_is_an_oauth_error_or_a_token(
    issuer: Issuer, form: dict[str, str]
) -> None:
    with pytest.raises(OAuthError):
        issuer.token(form)


def test_the_metadata_names_every_endpoint(issuer: Issuer) -> None:
    metadata = issuer.metadata()
    assert metadata["credential_issuer"] == URL
    assert metadata["credential_endpoint"] == f"{URL}/oid4vci/credential"
    assert metadata["nonce_endpoint"] == f"{URL}/oid4vci/nonce"
    configurations = metadata["credential_configurations_supported"]
    assert configurations[SD_JWT]["format"] == "dc+sd-jwt"
    assert configurations[SD_JWT]["vct"].startswith("https://")
    assert configurations[OB3_JWT]["credential_definition"]["type"][-1] == "OpenBadgeCredential"
    assert configurations[OB3_LDP]["credential_signing_alg_values_supported"] == ["ecdsa-rdfc-2019"]
    locales = {d["locale"] for d in configurations[SD_JWT]["credential_metadata"]["display"]}
    assert locales == {"sv", "en"}
    server = issuer.authorization_server_metadata()
    assert server["token_endpoint"] == f"{URL}/oid4vci/token"
    assert server["pre-authorized_grant_anonymous_access_supported"] is True
    assert json.dumps(metadata)  # JSON all the way down
