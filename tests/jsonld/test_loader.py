"""Document loaders (microcred.jsonld._loader): offline by default, revisions pinned by hash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.errors import ContextIntegrityError, NetworkPolicyError, UnknownContextError
from microcred.jsonld import (
    ChainLoader,
    ContextManifest,
    NetworkLoader,
    StaticLoader,
    default_loader,
    jcs_sha256,
)

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V1 = "https://purl.imsglobal.org/spec/clr/v2p0/context.json"


class FakeFetcher:
    """Serves canned bodies and records every URL asked for."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies
        self.asked: list[str] = []

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> bytes:
        self.asked.append(url)
        if url not in self.bodies:
            raise NetworkPolicyError(f"not served: {url}")
        return self.bodies[url]


def test_every_manifest_context_with_a_file_loads() -> None:
    manifest = ContextManifest.vendored()
    loader = StaticLoader()
    loaded = 0
    for url in manifest.urls:
        entry = manifest.default(url)
        if entry is None:
            continue
        doc = loader.load(url)
        assert doc.revision == entry.revision
        assert doc.origin == "vendored"
        assert jcs_sha256(doc.document) == entry.jcs_sha256, url
        loaded += 1
    assert loaded >= 15


def test_unknown_url_is_an_error_naming_it() -> None:
    with pytest.raises(UnknownContextError) as info:
        default_loader().load("https://example.com/my-context.jsonld")
    assert info.value.url == "https://example.com/my-context.jsonld"
    assert "https://example.com/my-context.jsonld" in str(info.value)


def test_ob_303_default_is_the_amended_revision_and_both_are_known() -> None:
    manifest = ContextManifest.vendored()
    revisions = {e.revision for e in manifest.revisions(OB_303)}
    assert len(revisions) >= 2
    doc = default_loader().load(OB_303)
    assert "jti" in json.dumps(doc.document)
    assert doc.revision is not None
    assert "amended" in doc.revision


def test_known_url_with_modified_content_is_rejected() -> None:
    loader = StaticLoader(vendored=False)
    original = default_loader().load(VC_V2).document
    tampered = json.loads(json.dumps(original))
    tampered["@context"]["VerifiableCredential"] = "https://evil.example/VC"
    with pytest.raises(ContextIntegrityError, match="known revision"):
        loader.add(VC_V2, tampered)


def test_known_revision_supplied_by_the_user_is_identified() -> None:
    loader = StaticLoader(vendored=False)
    original = default_loader().load(VC_V2).document
    doc = loader.add(VC_V2, json.loads(json.dumps(original)))
    assert doc.origin == "user"
    assert doc.revision == default_loader().load(VC_V2).revision


def test_unvendored_known_context_asks_for_a_file_and_checks_it(tmp_path: Path) -> None:
    with pytest.raises(UnknownContextError, match="add_file"):
        StaticLoader().load(CLR_V1)
    bogus = tmp_path / "clr.json"
    bogus.write_text('{"@context": {"x": "https://example.com/x"}}')
    with pytest.raises(ContextIntegrityError):
        StaticLoader().add_file(CLR_V1, bogus)


def test_user_context_pinned_by_hash(tmp_path: Path) -> None:
    url = "https://example.com/ctx/v1"
    content = {"@context": {"name": "https://schema.org/name"}}
    path = tmp_path / "ctx.json"
    path.write_text(json.dumps(content))
    loader = StaticLoader()
    with pytest.raises(ContextIntegrityError, match="pinned"):
        loader.add_file(url, path, sha256="00" * 32)
    doc = loader.add_file(url, path, sha256=jcs_sha256(content))
    assert doc.revision is None
    assert loader.load(url).document == content
    with pytest.raises(ValueError, match="already served"):
        loader.add(url, {"@context": {"name": "https://example.com/other"}})


def test_chain_loader_falls_through_unknown_only() -> None:
    extra = StaticLoader(vendored=False)
    extra.add("https://example.com/a", {"@context": {}})
    chain = ChainLoader(default_loader(), extra)
    assert chain.load("https://example.com/a").origin == "user"
    assert chain.load(VC_V2).origin == "vendored"
    with pytest.raises(UnknownContextError):
        chain.load("https://example.com/b")


def test_network_loader_needs_pins_for_unknown_urls_and_checks_known_ones() -> None:
    url = "https://example.com/ctx"
    body = json.dumps({"@context": {"a": "https://example.com/a"}}).encode()
    fetcher = FakeFetcher({url: body, VC_V2: b'{"@context": {"evil": "https://evil.example/"}}'})
    with pytest.raises(UnknownContextError):
        NetworkLoader(fetcher).load(url)
    assert fetcher.asked == []  # refused before any request
    pinned = NetworkLoader(fetcher, pins={url: jcs_sha256(json.loads(body))})
    assert pinned.load(url).origin == "network"
    assert pinned.load(url).origin == "network"
    assert fetcher.asked == [url]  # fetched once
    with pytest.raises(ContextIntegrityError):
        NetworkLoader(fetcher).load(VC_V2)


def test_network_loader_rejects_non_json() -> None:
    url = "https://example.com/ctx"
    loader = NetworkLoader(FakeFetcher({url: b"<html>"}), allow_unpinned=True)
    with pytest.raises(ContextIntegrityError, match="not valid JSON"):
        loader.load(url)
