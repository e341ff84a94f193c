"""Registry interop (issue 24, acceptance 2): microcred and the Digital Credentials
Consortium's ``@digitalcredentials/issuer-registry-client`` 3.2.0-beta.5 (npm, pinned in
``registry_node/package-lock.json``; the version whose ``lookupIssuersFor(did)`` the DCC's
``verifier-core`` calls) read the same registry files and agree on which DIDs they list and
under which names, in which registry.

The registries are files in the DCC format (the client's ``dcc-legacy`` type:
``{"meta": {...}, "registry": {DID: {"name", "url", "location"}}}``); the client's ``fetch``
is served from the test's files only (nothing goes to the network). The client takes a
registry's name from its list of known registries, not from the file: microcred is given the
same name (``load_registry(path, name=...)``, ``--registry NAME=FILE``).

Skips with the reason when Node.js/npm are absent; with ``CI=true`` a failed install is an
error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from tests._credentials import badge

import microcred as mc
from microcred import keys
from microcred.errors import TrustSourceError
from microcred.verify import load_registry

from .conftest import NodeStack, node_helper

pytestmark = pytest.mark.interop

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)

SIGNER = keys.generate("Ed25519")
LISTED_A = {
    "did:web:uni.example": "Exempeluniversitetet",
    "did:key:z6MkpLDL3RoAoMRTwTgo3rs39ZwssfaPKtGdZw7AGRN7CK4W": "(Example) My University",
    "did:web:hogskolan.example:issuers:2026": "Högskolan i Exempelstad — Fortbildning",
    "did:web:both.example": "Both (as registry A names it)",
}
LISTED_B = {
    SIGNER.did: "Yrkeshögskolan Exempel",
    "did:web:both.example": "Both (as registry B names it)",
    "did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJFZDI1NTE5IiwieCI6IjEyMyJ9": "  Spaced  Name  ",
}
UNLISTED = ["did:web:other.example", "did:key:z6MkNotListed", "did:web:uni.example:sub"]


@pytest.fixture(scope="module")
def node() -> Iterator[NodeStack]:
    """The DCC client, installed once (``npm ci`` from the lock file) and started once."""
    with node_helper(
        "registry_node",
        "registry interop with @digitalcredentials/issuer-registry-client",
        quiet=True,
    ) as stack:
        yield stack


def _registry_file(path: Path, entries: dict[str, str]) -> Path:
    path.write_text(
        json.dumps(
            {
                "meta": {"created": "2026-01-01T00:00:00Z", "updated": "2026-11-01T00:00:00Z"},
                "registry": {
                    did: {"name": name, "url": "https://example.org", "location": "Sverige"}
                    for did, name in entries.items()
                },
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def registries(tmp_path: Path) -> list[tuple[str, Path]]:
    return [
        ("Registry A", _registry_file(tmp_path / "a.json", LISTED_A)),
        ("Registry B", _registry_file(tmp_path / "b.json", LISTED_B)),
    ]


def _client_lookup(node: NodeStack, registries: list[tuple[str, Path]], dids: list[str]) -> Any:
    known = [
        {"type": "dcc-legacy", "name": name, "url": f"https://registry.test/{path.name}"}
        for name, path in registries
    ]
    documents = {
        f"https://registry.test/{path.name}": path.read_text(encoding="utf-8")
        for _, path in registries
    }
    return node(op="lookup", registries=known, documents=documents, dids=dids)["results"]


def test_microcred_and_the_dcc_client_agree_on_the_dids_and_their_names(
    node: NodeStack, registries: list[tuple[str, Path]]
) -> None:
    dids = [*LISTED_A, *LISTED_B, *UNLISTED]
    theirs = _client_lookup(node, registries, dids)
    loaded = [load_registry(path, name=name) for name, path in registries]
    for did in dids:
        ours = [
            {"issuer": found, "registry": registry.name}
            for registry in loaded
            if (found := registry.lookup(did)) is not None
        ]
        # the client keeps a name as written; microcred strips its outer white space
        their = [{**m, "issuer": m["issuer"].strip()} for m in theirs[did]["matches"]]
        assert ours == their, did
        assert theirs[did]["unchecked"] == []
    assert all(theirs[did]["matches"] == [] for did in UNLISTED)
    # a DID in both: both name it, in the order of the registries (most authoritative first)
    assert [m["registry"] for m in theirs["did:web:both.example"]["matches"]] == [
        "Registry A",
        "Registry B",
    ]


def test_the_trust_answer_names_the_registry_the_client_reports(
    node: NodeStack, registries: list[tuple[str, Path]]
) -> None:
    signed = mc.issue(badge(SIGNER.did), SIGNER, created="2026-06-01T10:00:00Z")
    report = mc.verify(
        signed, now=NOW, registries=[load_registry(p, name=n) for n, p in registries]
    )
    first = _client_lookup(node, registries, [SIGNER.did])[SIGNER.did]["matches"][0]
    assert report.trust == mc.TrustAnswer(
        "confirmed", "registry", first["issuer"], first["registry"]
    )


def test_a_file_that_is_no_registry_the_client_skips_and_microcred_refuses(
    node: NodeStack, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("<html>not a registry</html>")
    theirs = _client_lookup(node, [("Broken", broken)], [SIGNER.did])[SIGNER.did]
    assert theirs == {"matches": [], "unchecked": ["Broken"]}  # the client: "unchecked"
    with pytest.raises(TrustSourceError, match="not JSON"):  # microcred: a clear error
        load_registry(broken, name="Broken")
