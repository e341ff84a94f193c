"""Issuing SD-JWTs: RFC 9901's example Disclosures, pointers, recursion, decoys, cnf."""

from __future__ import annotations

import itertools

import pytest

from microcred import keys
from microcred.sdjwt import (
    Disclosure,
    decode_sd_jwt,
    digest_of,
    issue_sd_jwt,
    issue_sd_jwt_vc,
    issue_vc_sd_jwt,
)

ISSUER = keys.generate("Ed25519")
HOLDER = keys.generate("P-256")


# RFC 9901 §4.2.1 (object member), §4.2.2 (array element), §4.2.3 (digests) and §5.1 (the
# given_name Disclosure of the example SD-JWT): salt, name and value give these exact strings.
@pytest.mark.parametrize(
    ("salt", "name", "value", "encoded", "digest"),
    [
        (
            "_26bc4LT-ac6q2KI6cBW5es",
            "family_name",
            "Möbius",
            "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0",
            None,
        ),
        (
            "lklxF5jMYlGTPUovMNIvCA",
            None,
            "FR",
            "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0",
            "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs",
        ),
        (
            "2GLC42sKQveCfGfryNRN9w",
            "given_name",
            "John",
            "WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd",
            "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4",
        ),
    ],
)
def test_rfc9901_example_disclosures(salt, name, value, encoded, digest) -> None:
    made = Disclosure.create(salt, name, value)
    assert made.encoded == encoded
    if digest is not None:
        assert made.digest == digest
    read = Disclosure.parse(encoded)
    assert (read.salt, read.name, read.value) == (salt, name, value)


def test_rfc9901_section_4_2_3_digest() -> None:
    # RFC 9901 §4.2.3: the SHA-256 digest of this Disclosure (hashed as its base64url string)
    assert (
        digest_of("WyI2cU1RdlJMNWhhaiIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0")
        == "uutlBuYeMDyjLLTpf6Jxi7yNkEF35jdyWMn9U7b_RYY"
    )


def _salts():
    counter = itertools.count()
    return lambda: f"salt{next(counter)}"


def test_members_elements_and_recursion() -> None:
    claims = {
        "given_name": "Ann",
        "address": {"street": "Gatan 1", "country": "SE"},
        "nationalities": ["SE", "FI"],
    }
    token = issue_sd_jwt(
        claims,
        ISSUER,
        disclosable=["/given_name", "/address", "/address/street", "/nationalities/1"],
        salt=_salts(),
    )
    assert token.endswith("~")
    sd = decode_sd_jwt(token)
    assert sd.header["kid"] == ISSUER.verification_method
    assert "given_name" not in sd.payload
    assert "address" not in sd.payload
    assert sd.payload["_sd_alg"] == "sha-256"
    assert sd.payload["nationalities"][0] == "SE"
    assert set(sd.payload["nationalities"][1]) == {"..."}
    assert len(sd.disclosures) == 4
    # the recursive disclosure: address's Disclosure itself holds an _sd digest for street
    address = next(d for d in sd.disclosures if d.name == "address")
    assert address.value["country"] == "SE"
    assert len(address.value["_sd"]) == 1
    processed = sd.process()
    assert processed.claims == claims
    assert sorted(processed.disclosed) == sorted(
        ["/given_name", "/address", "/address/street", "/nationalities/1"]
    )
    assert processed.hidden == 0
    assert claims == {
        "given_name": "Ann",
        "address": {"street": "Gatan 1", "country": "SE"},
        "nationalities": ["SE", "FI"],
    }  # never mutated


def test_decoys_are_hidden_digests_and_sorted() -> None:
    token = issue_sd_jwt({"a": 1, "b": 2}, ISSUER, disclosable=["/a"], decoys=3)
    sd = decode_sd_jwt(token)
    assert len(sd.payload["_sd"]) == 4
    assert sd.payload["_sd"] == sorted(sd.payload["_sd"])
    assert sd.process().hidden == 3


@pytest.mark.parametrize("alg", ["sha-256", "sha-384", "sha-512"])
def test_sd_alg(alg: str) -> None:
    token = issue_sd_jwt({"a": 1}, ISSUER, disclosable=["/a"], sd_alg=alg)
    sd = decode_sd_jwt(token)
    assert sd.sd_alg == alg
    assert sd.processed() == {"a": 1}


def test_holder_binding_cnf_jwk() -> None:
    token = issue_sd_jwt({"a": 1}, ISSUER, holder_jwk=HOLDER.public_jwk())
    assert decode_sd_jwt(token).payload["cnf"] == {"jwk": HOLDER.public_jwk()}
    with pytest.raises(ValueError, match="public JWK"):
        issue_sd_jwt({"a": 1}, ISSUER, holder_jwk=HOLDER.private_jwk())


@pytest.mark.parametrize(
    ("pointer", "why"),
    [
        ("/missing", "names no claim"),
        ("/list/5", "names no claim"),
        ("", "JSON Pointer"),
        ("a", "JSON Pointer"),
        ("/cnf", "never selectively disclosable"),
    ],
)
def test_bad_pointers(pointer: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        issue_sd_jwt(
            {"a": 1, "list": [1]}, ISSUER, disclosable=[pointer], holder_jwk=HOLDER.public_jwk()
        )


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_reserved_claim_names_refused(name: str) -> None:
    with pytest.raises(ValueError, match="may not be named"):
        issue_sd_jwt({"x": {name: 1}}, ISSUER)


def test_sd_jwt_vc_claims() -> None:
    token = issue_sd_jwt_vc(
        {"given_name": "Ann"},
        ISSUER,
        vct="urn:example:vct",
        disclosable=["/given_name"],
        holder_jwk=HOLDER.public_jwk(),
        status={"status_list": {"idx": 3, "uri": "https://example.org/sl"}},
    )
    sd = decode_sd_jwt(token)
    assert sd.header["typ"] == "dc+sd-jwt"
    for name in ("iss", "vct", "iat", "cnf", "status"):
        assert name in sd.payload
    assert sd.payload["iss"] == ISSUER.did


@pytest.mark.parametrize("name", ["iss", "vct", "iat", "nbf", "exp", "cnf", "status"])
def test_sd_jwt_vc_never_disclosable(name: str) -> None:
    with pytest.raises(ValueError, match="never selectively disclosable"):
        issue_sd_jwt_vc({"a": 1}, ISSUER, vct="urn:x", disclosable=[f"/{name}"])


def test_vc_sd_jwt_header_and_clear_members() -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER.did,
        "credentialSubject": {"name": "Ann"},
    }
    token = issue_vc_sd_jwt(credential, ISSUER, disclosable=["/credentialSubject/name"])
    sd = decode_sd_jwt(token)
    assert sd.header["typ"] == "vc+sd-jwt"
    assert sd.header["cty"] == "vc"
    assert sd.processed() == credential
    with pytest.raises(ValueError, match="stays in clear"):
        issue_vc_sd_jwt(credential, ISSUER, disclosable=["/issuer"])


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "\ud800"])
def test_claims_that_are_not_json_refused(value) -> None:
    with pytest.raises(ValueError, match=r"JSON|Unicode"):
        issue_sd_jwt({"a": value}, ISSUER)
    with pytest.raises(ValueError, match=r"JSON|Unicode"):
        issue_sd_jwt({"a": value}, ISSUER, disclosable=["/a"])
