"""Verifying SD-JWTs (RFC 9901 §7): every rule has a test that breaks it and names the check.

The checks (``SdJwtError.check``): ``sdjwt.format`` (the compact form), ``sdjwt.disclosures``
(a Disclosure's own form), ``sdjwt.digest`` (how Disclosures and digests match), ``sdjwt.alg``,
``sdjwt.signature``, ``sdjwt.kb`` (the Key Binding JWT), ``sdjwt.iat``/``nbf``/``exp``.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred import keys
from microcred.jose._jwt import _sign
from microcred.sdjwt import (
    MAX_DISCLOSURES,
    SdJwtError,
    decode_sd_jwt,
    digest_of,
    issue_sd_jwt,
    present_sd_jwt,
    verify_sd_jwt,
)

from ._craft import b64, element, member, raw_disclosure, sign

ISSUER = keys.generate("Ed25519")
HOLDER = keys.generate("P-256")
OTHER = keys.generate("P-256")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def _rejects(text: str, check: str, match: str | None = None, **kwargs) -> SdJwtError:
    kwargs.setdefault("now", NOW)
    with pytest.raises(SdJwtError, match=match) as caught:
        verify_sd_jwt(text, ISSUER, **kwargs)
    assert caught.value.check == check, caught.value
    return caught.value


def _bound() -> str:
    return issue_sd_jwt(
        {"given_name": "Ann", "family_name": "Ek", "iat": int(NOW.timestamp())},
        ISSUER,
        disclosable=["/given_name", "/family_name"],
        holder_jwk=HOLDER.public_jwk(),
        typ="example+sd-jwt",
    )


def _present(token: str, disclose=("/given_name",), **kwargs) -> str:
    kwargs.setdefault("holder_key", HOLDER)
    kwargs.setdefault("nonce", "n-1")
    kwargs.setdefault("audience", "https://verifier.example")
    kwargs.setdefault("issued_at", NOW)
    return present_sd_jwt(token, list(disclose), **kwargs)


# -- what verifies ------------------------------------------------------------------------------


def test_round_trip_with_key_binding() -> None:
    presentation = _present(_bound())
    processed = verify_sd_jwt(
        presentation, ISSUER, nonce="n-1", audience="https://verifier.example", now=NOW
    )
    assert processed.claims["given_name"] == "Ann"
    assert "family_name" not in processed.claims
    assert processed.disclosed == ["/given_name"]
    assert processed.hidden == 1
    assert "_sd" not in processed.claims
    assert "_sd_alg" not in processed.claims


def test_reordered_disclosures_without_key_binding_still_verify() -> None:
    # RFC 9901 §7.1: Disclosures are matched by digest, so their order carries no meaning
    token = _bound()
    jwt, *disclosures, _ = token.split("~")
    swapped = jwt + "~" + "~".join(reversed(disclosures)) + "~"
    assert verify_sd_jwt(swapped, ISSUER, now=NOW).claims["family_name"] == "Ek"


def test_reordered_disclosures_break_the_kb_sd_hash() -> None:
    # RFC 9901 §4.3.1: sd_hash is over the presentation exactly as sent (JWT~D1~D2~), so the
    # same Disclosures in another order are not what the holder signed
    presentation = _present(_bound(), disclose=["/given_name", "/family_name"])
    jwt, first, second, kb = presentation.split("~")
    reordered = "~".join([jwt, second, first, kb])
    _rejects(reordered, "sdjwt.kb", "sd_hash", nonce="n-1", audience="https://verifier.example")


def test_array_elements_and_recursive_disclosures() -> None:
    claims = {"nationalities": ["SE", "FI"], "address": {"locality": "Lund", "country": "SE"}}
    token = issue_sd_jwt(
        claims,
        ISSUER,
        disclosable=["/nationalities/0", "/nationalities/1", "/address", "/address/locality"],
    )
    presentation = present_sd_jwt(token, ["/nationalities/1", "/address/country"])
    processed = verify_sd_jwt(presentation, ISSUER, now=NOW)
    # the undisclosed array element is removed (RFC 9901 §7.1 step 3.4), the rest keeps order
    assert processed.claims == {"nationalities": ["FI"], "address": {"country": "SE"}}
    assert sorted(processed.disclosed) == ["/address", "/nationalities/0"]


# -- sdjwt.format ------------------------------------------------------------------------------


def test_empty_disclosure_refused() -> None:
    token = issue_sd_jwt({"a": 1}, ISSUER, disclosable=["/a"])
    _rejects(token.replace("~", "~~", 1), "sdjwt.format", "empty disclosure")


def test_malformed_issuer_jwt_refused() -> None:
    _rejects("abc.def~", "sdjwt.format", "malformed")


def test_not_ascii_refused() -> None:
    _rejects(issue_sd_jwt({"a": 1}, ISSUER) + "é", "sdjwt.format", "ASCII")


def test_too_many_disclosures_refused() -> None:
    token = issue_sd_jwt({"a": 1}, ISSUER)
    flood = token + "WyJhIiwgMV0~" * (MAX_DISCLOSURES + 1)
    _rejects(flood, "sdjwt.format", "more than")


def test_too_large_refused() -> None:
    with pytest.raises(SdJwtError) as caught:
        decode_sd_jwt(issue_sd_jwt({"a": "x" * 2000}, ISSUER), max_bytes=1000)
    assert caught.value.check == "sdjwt.format"


def test_too_deep_refused() -> None:
    # every level its own Disclosure: each one's JSON is shallow, but applied they nest 70
    # deep, past the limit of 64 (Limits.max_json_depth)
    deep: dict = {}
    node = deep
    for _ in range(70):
        node["a"] = {}
        node = node["a"]
    pointers = []
    path = ""
    for _ in range(70):
        path += "/a"
        pointers.append(path)
    token = issue_sd_jwt({"x": deep}, ISSUER, disclosable=["/x" + p for p in pointers])
    _rejects(token, "sdjwt.format", "deeper")


# -- sdjwt.disclosures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "why"),
    [
        ("not base64!", "base64url"),
        (raw_disclosure(["salt", "a", 1]) + "=", "base64url"),
        (b64(b"not json"), "not JSON"),
        (raw_disclosure({"salt": "s"}), "array of 2"),
        (raw_disclosure(["only-salt"]), "array of 2"),
        (raw_disclosure(["s", "a", 1, 2]), "array of 2"),
        (raw_disclosure([1, "a", 1]), "salt must be a string"),
        (raw_disclosure([None, 1]), "salt must be a string"),
        (raw_disclosure(["s", 7, 1]), "claim name must be a string"),
        (raw_disclosure(["s", "_sd", ["x"]]), "'_sd'"),
        (raw_disclosure(["s", "...", "x"]), "'...'"),
        (b64(b'["s", "a", 1, "a"]'), "array of 2"),
    ],
)
def test_malformed_disclosure_refused(encoded: str, why: str) -> None:
    payload = {"_sd": [digest_of(encoded)], "_sd_alg": "sha-256"}
    _rejects(sign(payload, ISSUER, [encoded]), "sdjwt.disclosures", why)


def test_duplicate_key_in_disclosure_json_refused() -> None:
    encoded = b64(b'["s", {"a": 1, "a": 2}]')
    payload = {"list": [{"...": digest_of(encoded)}]}
    _rejects(sign(payload, ISSUER, [encoded]), "sdjwt.disclosures", "not JSON")


def test_same_disclosure_twice_refused() -> None:
    d = member("s1", "a", 1)
    payload = {"_sd": [d.digest]}
    _rejects(sign(payload, ISSUER, [d, d]), "sdjwt.disclosures", "twice")


# -- sdjwt.digest ------------------------------------------------------------------------------


def test_unsupported_sd_alg_refused() -> None:
    d = member("s1", "a", 1)
    payload = {"_sd": [d.digest], "_sd_alg": "md5"}
    _rejects(sign(payload, ISSUER, [d]), "sdjwt.digest", "not supported")


@pytest.mark.parametrize("alg", ["sha-384", "sha-512"])
def test_other_sd_alg_accepted(alg: str) -> None:
    token = issue_sd_jwt({"a": 1}, ISSUER, disclosable=["/a"], sd_alg=alg)
    assert verify_sd_jwt(token, ISSUER, now=NOW).claims == {"a": 1}


@pytest.mark.parametrize("bad", ["digest", {"d": 1}, [1], [None], ["ok", 2]])
def test_sd_not_an_array_of_strings_refused(bad) -> None:
    _rejects(sign({"_sd": bad}, ISSUER), "sdjwt.digest", "array of digest strings")


@pytest.mark.parametrize("bad", [{"...": "x", "other": 1}, {"...": 5}, {"...": ["x"]}])
def test_malformed_array_placeholder_refused(bad) -> None:
    _rejects(sign({"list": [bad]}, ISSUER), "sdjwt.digest", "single member")


def test_digest_twice_in_one_sd_refused() -> None:
    d = member("s1", "a", 1)
    _rejects(sign({"_sd": [d.digest, d.digest]}, ISSUER, [d]), "sdjwt.digest", "more than once")


def test_digest_twice_across_places_refused() -> None:
    # RFC 9901 §7.1 step 4: also when one is in _sd and one is in an array, or one is a decoy
    d = element("s1", 1)
    payload = {"list": [{"...": d.digest}], "other": [{"...": d.digest}]}
    _rejects(sign(payload, ISSUER, [d]), "sdjwt.digest", "more than once")
    decoy = "x" * 43
    _rejects(
        sign({"_sd": [decoy], "o": {"_sd": [decoy]}}, ISSUER), "sdjwt.digest", "more than once"
    )


def test_digest_twice_via_a_disclosure_refused() -> None:
    inner = member("s1", "b", 1)
    outer = member("s2", "a", {"_sd": [inner.digest]})
    payload = {"_sd": [outer.digest, inner.digest]}
    _rejects(sign(payload, ISSUER, [outer, inner]), "sdjwt.digest", "more than once")


def test_unreferenced_disclosure_refused() -> None:
    used, stray = member("s1", "a", 1), member("s2", "b", 2)
    _rejects(sign({"_sd": [used.digest]}, ISSUER, [used, stray]), "sdjwt.digest", "match no digest")


def test_disclosure_of_an_undisclosed_parent_refused() -> None:
    # RFC 9901 §7.1 step 5: a Disclosure referred to only from inside a Disclosure that is
    # not presented is referred to by nothing
    inner = member("s1", "b", 1)
    outer = member("s2", "a", {"_sd": [inner.digest]})
    _rejects(sign({"_sd": [outer.digest]}, ISSUER, [inner]), "sdjwt.digest", "match no digest")


def test_element_disclosure_in_sd_refused() -> None:
    d = element("s1", 1)
    _rejects(sign({"_sd": [d.digest]}, ISSUER, [d]), "sdjwt.digest", "array element disclosure")


def test_member_disclosure_in_array_refused() -> None:
    d = member("s1", "a", 1)
    _rejects(sign({"l": [{"...": d.digest}]}, ISSUER, [d]), "sdjwt.digest", "object member")


def test_name_collision_with_clear_claim_refused() -> None:
    d = member("s1", "given_name", "Mallory")
    payload = {"given_name": "Ann", "_sd": [d.digest]}
    _rejects(sign(payload, ISSUER, [d]), "sdjwt.digest", "already exists")


def test_name_collision_between_disclosures_refused() -> None:
    d1, d2 = member("s1", "a", 1), member("s2", "a", 2)
    _rejects(sign({"_sd": [d1.digest, d2.digest]}, ISSUER, [d1, d2]), "sdjwt.digest", "already")


def test_tampered_disclosure_refused() -> None:
    # a changed value is another Disclosure: its digest is in no _sd
    token = issue_sd_jwt({"age": 17}, ISSUER, disclosable=["/age"])
    jwt = token.split("~")[0]
    forged = member("whatever", "age", 21)
    _rejects(f"{jwt}~{forged.encoded}~", "sdjwt.digest", "match no digest")


# -- sdjwt.alg / sdjwt.signature ---------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "HS256", "RS1", None])
def test_alg_none_and_hmac_refused(alg) -> None:
    token = issue_sd_jwt({"a": 1}, ISSUER)
    _header, rest = token.split(".", 1)
    forged = b64(
        f'{{"alg": {alg!r}, "kid": "k"}}'.replace("'", '"').replace("None", "null").encode()
    )
    _rejects(forged + "." + rest, "sdjwt.alg", "not accepted")


def test_wrong_issuer_signature_refused() -> None:
    token = issue_sd_jwt({"a": 1}, OTHER)
    with pytest.raises(SdJwtError) as caught:
        verify_sd_jwt(token, ISSUER, now=NOW)
    assert caught.value.check in ("sdjwt.signature", "sdjwt.alg")


def test_tampered_payload_refused() -> None:
    token = issue_sd_jwt({"a": 1}, ISSUER)
    header, _payload, signature = token.split("~")[0].split(".")
    forged = b64(b'{"a": 2}')
    _rejects(f"{header}.{forged}.{signature}~", "sdjwt.signature")


# -- time claims -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "check"),
    [
        ({"iat": int((NOW + timedelta(hours=1)).timestamp())}, "sdjwt.iat"),
        ({"nbf": int((NOW + timedelta(hours=1)).timestamp())}, "sdjwt.nbf"),
        ({"exp": int((NOW - timedelta(hours=1)).timestamp())}, "sdjwt.exp"),
        ({"exp": "tomorrow"}, "sdjwt.exp"),
        ({"iat": True}, "sdjwt.iat"),
    ],
)
def test_time_claims(claims, check: str) -> None:
    _rejects(issue_sd_jwt(claims, ISSUER), check)


def test_time_claims_within_skew_pass() -> None:
    claims = {"exp": int((NOW - timedelta(minutes=2)).timestamp())}
    verify_sd_jwt(issue_sd_jwt(claims, ISSUER), ISSUER, now=NOW)


def test_disclosed_exp_is_checked_too() -> None:
    token = issue_sd_jwt(
        {"exp": int((NOW - timedelta(days=1)).timestamp())}, ISSUER, disclosable=["/exp"]
    )
    _rejects(token, "sdjwt.exp")


# -- sdjwt.kb ------------------------------------------------------------------------------------


def _kb(token: str, payload: dict, *, key=HOLDER, header: dict | None = None) -> str:
    prefix = token[: token.rindex("~") + 1]
    jose = {"alg": "ES256", "typ": "kb+jwt"}
    jose.update(header or {})
    return prefix + _sign(jose, payload, key)


def _kb_payload(token: str, **changes) -> dict:
    prefix = token[: token.rindex("~") + 1]
    payload = {
        "iat": int(NOW.timestamp()),
        "aud": "https://verifier.example",
        "nonce": "n-1",
        "sd_hash": digest_of(prefix),
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


EXPECT = {"nonce": "n-1", "audience": "https://verifier.example"}


def test_kb_required_by_a_nonce() -> None:
    _rejects(_bound(), "sdjwt.kb", "no KB-JWT", **EXPECT)


def test_kb_wrong_typ_refused() -> None:
    token = present_sd_jwt(_bound(), ["/given_name"])
    _rejects(
        _kb(token, _kb_payload(token), header={"typ": "JWT"}), "sdjwt.kb", "kb\\+jwt", **EXPECT
    )


def test_kb_signed_by_another_key_refused() -> None:
    token = present_sd_jwt(_bound(), ["/given_name"])
    _rejects(_kb(token, _kb_payload(token), key=OTHER), "sdjwt.kb", "signature", **EXPECT)


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_kb_alg_none_or_hmac_refused(alg: str) -> None:
    token = present_sd_jwt(_bound(), ["/given_name"])
    good = _kb(token, _kb_payload(token))
    kb = good.rsplit("~", 1)[1]
    _, body, sig = kb.split(".")
    forged = b64(f'{{"alg": "{alg}", "typ": "kb+jwt"}}'.encode())
    _rejects(
        good.rsplit("~", 1)[0] + f"~{forged}.{body}.{sig}", "sdjwt.kb", "not accepted", **EXPECT
    )


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"nonce": "other"}, "nonce"),
        ({"aud": "https://elsewhere.example"}, "aud"),
        ({"iat": int((NOW - timedelta(hours=1)).timestamp())}, "too old"),
        ({"iat": int((NOW + timedelta(hours=1)).timestamp())}, "future"),
        ({"iat": "now"}, "NumericDate"),
        ({"sd_hash": "AAAA"}, "sd_hash"),
        ({"nonce": None}, "no nonce"),
        ({"aud": None}, "no aud"),
        ({"iat": None}, "no iat"),
        ({"sd_hash": None}, "no sd_hash"),
    ],
)
def test_kb_claims(changes: dict, why: str) -> None:
    token = present_sd_jwt(_bound(), ["/given_name"])
    _rejects(_kb(token, _kb_payload(token, **changes)), "sdjwt.kb", why, **EXPECT)


def test_kb_sd_hash_covers_the_disclosures() -> None:
    # a disclosure removed (or added) after the holder signed changes what sd_hash covers
    presentation = _present(_bound(), disclose=["/given_name", "/family_name"])
    jwt, first, _second, kb = presentation.split("~")
    _rejects("~".join([jwt, first, kb]), "sdjwt.kb", "sd_hash", **EXPECT)


def test_kb_without_cnf_refused() -> None:
    token = issue_sd_jwt({"a": 1}, ISSUER)
    _rejects(_kb(token, _kb_payload(token)), "sdjwt.kb", "cnf", **EXPECT)


def test_kb_given_is_checked_even_unasked() -> None:
    token = present_sd_jwt(_bound(), ["/given_name"])
    _rejects(_kb(token, _kb_payload(token), key=OTHER), "sdjwt.kb", "signature")


def test_present_refuses_a_foreign_holder_key() -> None:
    with pytest.raises(ValueError, match="cnf"):
        present_sd_jwt(_bound(), ["/given_name"], holder_key=OTHER, nonce="n", audience="a")


def test_present_needs_nonce_and_audience() -> None:
    with pytest.raises(ValueError, match="nonce"):
        present_sd_jwt(_bound(), ["/given_name"], holder_key=HOLDER)


# -- properties --------------------------------------------------------------------------------

_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


def _pointers(value, prefix=""):
    if isinstance(value, dict):
        for name, child in value.items():
            here = prefix + "/" + name.replace("~", "~0").replace("/", "~1")
            yield here
            yield from _pointers(child, here)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            here = f"{prefix}/{index}"
            yield here
            yield from _pointers(child, here)


@given(st.dictionaries(st.text(max_size=5), _values, max_size=4), st.data())
def test_property_issue_then_verify_gives_the_claims(claims, data) -> None:
    claims = {k: v for k, v in claims.items() if k not in ("cnf", "_sd_alg", "iat", "nbf", "exp")}
    if any(p.endswith(("/_sd", "/...")) for p in _pointers(claims)):
        return
    pointers = list(_pointers(claims))
    chosen = data.draw(
        st.lists(st.sampled_from(pointers), unique=True) if pointers else st.just([])
    )
    token = issue_sd_jwt(claims, ISSUER, disclosable=chosen, decoys=1)
    assert verify_sd_jwt(token, ISSUER, now=NOW).claims == claims
    # withholding every disclosure leaves only the claims in clear, and still verifies
    bare = token.split("~")[0] + "~"
    verify_sd_jwt(bare, ISSUER, now=NOW)


@given(st.binary(max_size=300))
def test_property_garbage_never_crashes(junk) -> None:
    text = issue_sd_jwt({"a": 1}, ISSUER, disclosable=["/a"]) + b64(junk) + "~"
    with contextlib.suppress(SdJwtError):
        verify_sd_jwt(text, ISSUER, now=NOW)


def _resolve(document, pointer: str):
    node = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


@given(
    st.dictionaries(st.text(min_size=1, max_size=4), _values, min_size=1, max_size=4),
    st.data(),
)
def test_property_present_shows_what_was_asked_and_still_verifies(claims, data) -> None:
    claims = {k: v for k, v in claims.items() if k not in ("cnf", "_sd_alg", "iat", "nbf", "exp")}
    pointers = [p for p in _pointers(claims) if not p.endswith(("/_sd", "/..."))]
    if not pointers or len(pointers) != len(list(_pointers(claims))):
        return
    chosen = data.draw(st.lists(st.sampled_from(pointers), unique=True))
    # only pointers through object members are asked for: array indices shift in what the
    # verifier sees when earlier elements are withheld
    members = [p for p in pointers if not any(t.isdigit() for t in p.split("/")[1:])]
    if not members:
        return
    asked = data.draw(st.lists(st.sampled_from(members), unique=True, max_size=3))
    token = issue_sd_jwt(claims, ISSUER, disclosable=chosen)
    shown = verify_sd_jwt(present_sd_jwt(token, asked), ISSUER, now=NOW).claims
    for pointer in asked:
        assert _resolve(shown, pointer) == _resolve(claims, pointer)
