"""An institution's own identifier: keys that sign as did:web or an https controller, the
documents to publish, and the syntax of did:web and https controllers."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

import microcred as mc
from microcred import keys
from microcred.errors import InvalidDidError, InvalidKeyError
from microcred.jose import decode_unverified

VC_V2 = "https://www.w3.org/ns/credentials/v2"
NOW = "2026-06-01T00:00:00Z"
PRIVATE = ("d", "p", "q", "dp", "dq", "qi")

FORMS = [
    "did:web:uni.example.se#key-1",
    "did:web:uni.example.se:issuers:2026#key-1",
    "did:web:localhost%3A8443#key-1",
    "https://uni.example.se/issuer#key-1",
]


@cache
def own(key_type: str) -> keys.KeyPair:
    return keys.generate(key_type, did_method="jwk" if key_type == "RSA" else "key")


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [VC_V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }


@pytest.mark.parametrize("vm", FORMS)
def test_a_kid_of_any_form_is_what_the_key_signs_as(vm: str) -> None:
    jwk = {**own("Ed25519").private_jwk(), "kid": vm}
    key = keys.KeyPair.from_jwk(jwk)
    controller = vm.split("#")[0]
    assert key.verification_method == vm
    assert key.did == key.controller == controller
    assert key.did_method == ("https" if vm.startswith("https:") else "web")
    assert key.private_jwk()["kid"] == vm  # and it round-trips through the key file
    signed = mc.issue(credential(controller), key, created=NOW)
    assert signed["proof"]["verificationMethod"] == vm
    token = mc.issue(credential(controller), key, format="jwt")
    header, claims = decode_unverified(token)[:2]
    assert header["kid"] == vm
    assert claims["iss"] == controller
    # the key's own did:key is not what it signs as any more
    with pytest.raises(ValueError, match="not the key's controller"):
        mc.issue(credential(own("Ed25519").did), key)


@pytest.mark.parametrize("vm", FORMS)
def test_a_credential_signed_as_the_institution_verifies_with_its_document(vm: str) -> None:
    key = keys.KeyPair.from_jwk({**own("P-256").private_jwk(), "kid": vm})
    signed = mc.issue(credential(key.did), key, created=NOW)
    document = keys.publishable_document([key])
    report = mc.verify(signed, resolver=keys.StaticResolver([document]))
    assert report.verified, report
    offline = mc.verify(signed)  # nothing supplied, no network: cannot be checked
    assert offline.outcome == "indeterminate"
    method = offline.check("proof.method")
    assert method is not None
    assert method.status == "error"
    assert vm in method.message
    token = mc.issue(credential(key.did), key, format="jwt")
    assert mc.verify(token, resolver=keys.StaticResolver([document])).verified
    assert mc.verify(token).outcome == "indeterminate"


def test_a_document_that_does_not_list_the_key_does_not_verify() -> None:
    key = keys.generate("Ed25519", controller="did:web:uni.example.se", key_id="key-1")
    impostor = keys.generate("Ed25519", controller="did:web:uni.example.se", key_id="key-1")
    signed = mc.issue(credential(key.did), key, created=NOW)
    report = mc.verify(signed, resolver=keys.StaticResolver([keys.did_document(impostor)]))
    assert report.outcome == "invalid"
    check = report.check("proof.signature")
    assert check is not None
    assert check.status == "failed"


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384", "RSA"])
def test_the_own_did_forms_still_hold(key_type: str) -> None:
    key = own(key_type)
    again = keys.KeyPair.from_jwk(key.private_jwk())
    assert again.verification_method == key.verification_method
    assert again.did_method == key.did_method
    assert keys.KeyPair.from_jwk({k: v for k, v in key.private_jwk().items() if k != "kid"}).did


def test_a_did_key_kid_of_another_key_is_refused() -> None:
    jwk = {**own("Ed25519").private_jwk(), "kid": keys.generate("Ed25519").verification_method}
    with pytest.raises(InvalidKeyError, match="did:key verification method of another key"):
        keys.KeyPair.from_jwk(jwk)
    # its own DID with another fragment is not its verification method either
    jwk = {**own("Ed25519").private_jwk(), "kid": f"{own('Ed25519').did}#other"}
    with pytest.raises(InvalidKeyError, match="another key"):
        keys.KeyPair.from_jwk(jwk)


def test_a_did_jwk_kid_of_another_key_is_refused_and_its_own_in_any_encoding_kept() -> None:
    key = own("P-256")
    jwk = {**key.private_jwk(), "kid": keys.generate("P-256", did_method="jwk").verification_method}
    with pytest.raises(InvalidKeyError, match="another key"):
        keys.KeyPair.from_jwk(jwk)
    # the same public key encoded with another member order (and a "use") is this key's
    import base64

    public = key.public_jwk()
    encoded = json.dumps({"use": "sig", **dict(reversed(list(public.items())))}).encode()
    did = "did:jwk:" + base64.urlsafe_b64encode(encoded).rstrip(b"=").decode()
    kept = keys.KeyPair.from_jwk({**key.private_jwk(), "kid": f"{did}#0"})
    assert kept.verification_method == f"{did}#0"
    assert kept.did == did
    signed = mc.issue(credential(did), kept, created=NOW)
    assert mc.verify(signed).verified


@pytest.mark.parametrize(
    ("kid", "reason"),
    [
        ("key-1", "#fragment"),
        ("did:web:uni.example.se", "#fragment"),
        ("https://uni.example.se/issuer", "#fragment"),
        ("http://uni.example.se/issuer#k", "controller must be a DID"),
        ("did:web:192.0.2.1#k", "IP address"),
        ("did:web:uni.example.se/issuer#k", "no '/'"),
        ("did:web:uni.example.se::x#k", "empty path segment"),
        ("did:web:uni.example.se:..#k", "'..'"),
        ("did:web:localhost%3A99999#k", "port"),
        ("https://user@uni.example.se/issuer#k", "user name"),
        ("https://uni.example.se/issuer?x=1#k", "query"),
        ("did:web:uni.example.se#", "#fragment"),
        ("did:web:uni.example.se#a b", "fragment"),
    ],
)
def test_a_kid_that_is_no_verification_method_is_refused_with_the_reason(
    kid: str, reason: str
) -> None:
    with pytest.raises(InvalidKeyError, match="kid") as caught:
        keys.KeyPair.from_jwk({**own("Ed25519").private_jwk(), "kid": kid})
    assert reason in str(caught.value)


def test_a_kid_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(InvalidKeyError, match="kid must be a string"):
        keys.KeyPair.from_jwk({**own("Ed25519").private_jwk(), "kid": 7})


def test_other_did_methods_are_kept_as_given() -> None:
    key = keys.KeyPair.from_jwk({**own("Ed25519").private_jwk(), "kid": "did:example:uni#k1"})
    assert (key.did, key.did_method) == ("did:example:uni", "example")
    with pytest.raises(ValueError, match="did:web and https"):
        keys.publishable_document([key])


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:uni.example.se", "https://uni.example.se/.well-known/did.json"),
        ("did:web:uni.example.se:issuers:2026", "https://uni.example.se/issuers/2026/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
        ("https://uni.example.se/issuer", "https://uni.example.se/issuer"),
    ],
)
def test_where_the_document_is_published(did: str, url: str) -> None:
    assert keys.publication_url(did) == url
    if did.startswith("did:web:"):
        assert keys.did_web_url(did) == url  # the resolver fetches from the same place


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384", "RSA"])
def test_generate_under_a_controller(key_type: str) -> None:
    key = keys.generate(key_type, controller="did:web:uni.example.se")
    assert key.verification_method == f"did:web:uni.example.se#{key.default_key_id()}"
    if key_type != "RSA":
        assert key.default_key_id() == key.public_multikey()
    named = keys.generate(key_type, controller="https://uni.example.se/issuer", key_id="k.2")
    assert named.verification_method == "https://uni.example.se/issuer#k.2"
    with pytest.raises(InvalidDidError, match="key id"):
        keys.generate(key_type, controller="did:web:uni.example.se", key_id="#bad")
    with pytest.raises(ValueError, match="controller="):
        keys.generate(key_type, key_id="key-1", did_method="jwk")


def test_rsa_key_id_is_the_rfc7638_thumbprint() -> None:
    import base64
    import hashlib

    import rfc8785

    key = own("RSA")
    public = key.public_jwk()
    required = {"e": public["e"], "kty": "RSA", "n": public["n"]}  # RFC 7638 section 3.2
    digest = hashlib.sha256(rfc8785.dumps(required)).digest()
    assert key.default_key_id() == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_the_published_document_lists_public_parts_only() -> None:
    controller = "did:web:uni.example.se"
    pairs = [
        keys.generate("Ed25519", controller=controller, key_id="ed"),
        keys.generate("P-384", controller=controller, key_id="p384"),
        keys.generate("RSA", controller=controller, key_id="rsa"),
    ]
    document = keys.publishable_document(pairs)
    assert document["id"] == controller
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
        "https://w3id.org/security/suites/jws-2020/v1",
    ]
    ids = [f"{controller}#{name}" for name in ("ed", "p384", "rsa")]
    assert [m["id"] for m in document["verificationMethod"]] == ids
    assert document["assertionMethod"] == ids
    assert document["authentication"] == ids
    types = [m["type"] for m in document["verificationMethod"]]
    assert types == ["Multikey", "Multikey", "JsonWebKey2020"]

    def members(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {m for v in value.values() for m in members(v)}
        if isinstance(value, list):
            return {m for v in value for m in members(v)}
        return set()

    assert not members(document) & set(PRIVATE)
    for pair in pairs:  # no private value anywhere, under any name
        for member in PRIVATE:
            value = pair.private_jwk().get(member)
            if value:
                assert value not in json.dumps(document)
    # the document is what a verifier takes: every key resolves from it
    resolver = keys.StaticResolver([document])
    for pair in pairs:
        method, _ = keys.dereference(pair.verification_method, resolver)
        assert keys.public_key_of_method(method).public_jwk() == pair.public_jwk()
        assert keys.is_authorized(pair.verification_method, document, "assertionMethod")
    assert "authentication" not in keys.publishable_document(pairs, authentication=False)


def test_one_document_is_for_one_controller() -> None:
    a = keys.generate("Ed25519", controller="did:web:uni.example.se")
    b = keys.generate("Ed25519", controller="did:web:other.example.se")
    with pytest.raises(ValueError, match=r"did:web:uni\.example\.se and did:web:other"):
        keys.publishable_document([a, b])
    clash = keys.generate("Ed25519", controller="did:web:uni.example.se", key_id="k")
    twin = keys.generate("Ed25519", controller="did:web:uni.example.se", key_id="k")
    with pytest.raises(ValueError, match="both named"):
        keys.publishable_document([clash, twin])
    assert len(keys.publishable_document([clash, clash])["verificationMethod"]) == 1
    with pytest.raises(ValueError, match="nothing to publish"):
        keys.publishable_document([own("Ed25519")])
    with pytest.raises(ValueError, match="at least one"):
        keys.publishable_document([])


@pytest.mark.parametrize(
    "did",
    [
        "did:web:uni.example.se",
        "did:web:uni.example.se:issuers:2026",
        "did:web:localhost%3A8443",
        "did:web:sub.uni-x.example.se:a_b:c.d:%C3%A5",
    ],
)
def test_well_formed_did_web(did: str) -> None:
    keys.check_did_web(did)


@pytest.mark.parametrize(
    ("did", "reason"),
    [
        ("did:web:", "needs a host"),
        ("did:web:-uni.example.se", "not a host name"),
        ("did:web:uni..example.se", "not a host name"),
        ("did:web:uni_x.example.se", "not a host name"),
        ("did:web:10.0.0.1", "IP address"),
        ("did:web:uni.example.se%3A", "port"),
        ("did:web:uni.example.se%3A0", "port"),
        ("did:web:uni.example.se%2Fx", "percent-encoded"),
        ("did:web:uni.example.se:a%2Fb", "hides a '/'"),
        ("did:web:uni.example.se:", "empty path segment"),
        ("did:web:uni.example.se:.", "'.'"),
        ("did:web:uni.example.se:a b", "path segment"),
        ("did:web:uni.example.se#k", "no '/', '?' or '#'"),
        ("did:key:z6Mk", "not a did:web"),
    ],
)
def test_malformed_did_web_is_refused_with_the_reason(did: str, reason: str) -> None:
    with pytest.raises(InvalidDidError) as caught:
        keys.check_did_web(did)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://uni.example.se/issuer", "https://"),
        ("https://", "no host"),
        ("https://uni.example.se/issuer#k", "fragment"),
        ("https://uni.example.se/issuer?a=b", "query"),
        ("https://me@uni.example.se/issuer", "user name"),
        ("https://uni.example.se:99999/x", "not a URL"),
        ("https://uni example.se/x", "printable ASCII"),
        ("https://uni_x.example.se/x", "not a host name"),
    ],
)
def test_malformed_https_controller_is_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(InvalidDidError) as caught:
        keys.check_https_controller(url)
    assert reason in str(caught.value)


def test_split_verification_method() -> None:
    assert keys.split_verification_method("did:web:uni.example.se:x#key-1") == (
        "did:web:uni.example.se:x",
        "key-1",
        "web",
    )
    assert keys.split_verification_method("https://uni.example.se/i#k") == (
        "https://uni.example.se/i",
        "k",
        "https",
    )


class _Fetcher:
    def __init__(self, body: bytes) -> None:
        self.body = body
        self.urls: list[str] = []

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> bytes:
        self.urls.append(url)
        return self.body


@pytest.mark.parametrize(
    ("controller", "url"),
    [
        ("https://uni.example.se/issuer", "https://uni.example.se/issuer"),
        ("did:web:uni.example.se:issuers:2026", "https://uni.example.se/issuers/2026/did.json"),
    ],
)
def test_online_the_document_is_fetched_from_its_publication_url(controller: str, url: str) -> None:
    key = keys.generate("Ed25519", controller=controller, key_id="key-1")
    signed = mc.issue(credential(key.did), key, created=NOW)
    fetcher = _Fetcher(json.dumps(keys.publishable_document([key])).encode())
    report = mc.verify(signed, resolver=keys.default_resolver(fetcher))
    assert report.verified, report
    assert fetcher.urls == [url]
    # a document that does not name itself is not the controller's
    elsewhere = {**keys.publishable_document([key]), "id": "https://evil.example/issuer"}
    report = mc.verify(
        signed, resolver=keys.default_resolver(_Fetcher(json.dumps(elsewhere).encode()))
    )
    assert not report.verified
    method = report.check("proof.method")
    assert method is not None
    assert "does not hold" in method.message


def test_https_controllers_are_not_fetched_without_a_fetcher() -> None:
    from microcred.errors import DidResolutionError

    with pytest.raises(DidResolutionError, match="needs network access"):
        keys.HttpsControllerResolver().resolve("https://uni.example.se/issuer")
    with pytest.raises(DidResolutionError, match="not an https controller"):
        keys.HttpsControllerResolver(_Fetcher(b"{}")).resolve("did:web:uni.example.se")
    with pytest.raises(DidResolutionError, match="not valid JSON"):
        keys.HttpsControllerResolver(_Fetcher(b"{")).resolve("https://uni.example.se/issuer")
