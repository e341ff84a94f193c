"""Resolvers: did:jwk, did:web (fetcher injected), trusted documents, dereferencing."""

from __future__ import annotations

import json

import pytest

from microcred import keys
from microcred.errors import DidResolutionError, InvalidDidError

TV_CONTROLLER = "https://example.edu/issuers/565049"
TV_METHOD = f"{TV_CONTROLLER}#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def test_did_jwk_round_trip() -> None:
    pair = keys.generate("RSA", did_method="jwk")
    method, doc = keys.dereference(pair.verification_method, keys.default_resolver())
    assert method["type"] == "JsonWebKey2020"
    assert method["publicKeyJwk"] == pair.public_jwk()
    assert keys.is_authorized(pair.verification_method, doc)


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:u:alice", "https://example.com/u/alice/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
    ],
)
def test_did_web_urls(did: str, url: str) -> None:
    assert keys.did_web_url(did) == url


def test_did_web_without_fetcher_cannot_resolve_and_fetches_nothing() -> None:
    with pytest.raises(DidResolutionError, match="network access"):
        keys.DidWebResolver().resolve("did:web:example.com")
    with pytest.raises(InvalidDidError):
        keys.did_web_url("did:web:")


class FakeFetcher:
    def __init__(self, body: bytes) -> None:
        self.body = body
        self.urls: list[str] = []

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> bytes:
        self.urls.append(url)
        return self.body


def test_did_web_with_a_fetcher_checks_the_document_id() -> None:
    pair = keys.generate("Ed25519")
    doc = {
        "id": "did:web:example.com",
        "assertionMethod": [
            {
                **pair.verification_method_document(),
                "id": "did:web:example.com#k1",
                "controller": "did:web:example.com",
            }
        ],
    }
    fetcher = FakeFetcher(json.dumps(doc).encode())
    resolver = keys.default_resolver(fetcher)
    method, _ = keys.dereference("did:web:example.com#k1", resolver)
    assert method["publicKeyMultibase"] == pair.public_multikey()
    assert fetcher.urls == ["https://example.com/.well-known/did.json"]
    wrong = FakeFetcher(json.dumps({**doc, "id": "did:web:evil.example"}).encode())
    with pytest.raises(DidResolutionError):
        keys.DidWebResolver(wrong).resolve("did:web:example.com")


def _tv_doc(relationship: str = "assertionMethod") -> dict[str, object]:
    return {
        "id": TV_CONTROLLER,
        "verificationMethod": [
            {
                "id": "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
                "type": "Multikey",
                "controller": TV_CONTROLLER,
                "publicKeyMultibase": "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            }
        ],
        relationship: ["#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"],
    }


def test_static_resolver_with_an_https_controller_and_relative_ids() -> None:
    resolver = keys.default_resolver(extra=[keys.StaticResolver([_tv_doc()])])
    method, doc = keys.dereference(TV_METHOD, resolver)
    assert method["id"] == TV_METHOD
    assert keys.is_authorized(TV_METHOD, doc, "assertionMethod")
    assert not keys.is_authorized(TV_METHOD, doc, "authentication")


def test_method_not_under_assertion_method() -> None:
    doc = _tv_doc("authentication")
    _, controller = keys.dereference(TV_METHOD, keys.StaticResolver([doc]))
    assert not keys.is_authorized(TV_METHOD, controller, "assertionMethod")


def test_unknown_method_and_foreign_controller() -> None:
    resolver = keys.StaticResolver([_tv_doc()])
    with pytest.raises(DidResolutionError, match="does not list"):
        keys.dereference(TV_CONTROLLER + "#other", resolver)
    doc = _tv_doc()
    doc["verificationMethod"][0]["controller"] = "https://evil.example"  # type: ignore[index]
    with pytest.raises(DidResolutionError, match="controller"):
        keys.dereference(TV_METHOD, keys.StaticResolver([doc]))
    with pytest.raises(InvalidDidError):
        keys.dereference("no-scheme#x", resolver)
