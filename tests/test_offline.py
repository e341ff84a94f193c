"""Offline by default: nothing opens a socket unless the caller opts in."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from microcred import jsonld
from microcred.errors import UnknownContextError


class SocketOpenedError(AssertionError):
    pass


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """Make creating any socket at all an error, and record attempts."""
    attempts: list[tuple[object, ...]] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise SocketOpenedError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


_FRESH_PROCESS = """
import socket
def refuse(*a, **k):
    raise SystemExit("socket opened")
socket.socket.connect = socket.create_connection = socket.getaddrinfo = refuse
import microcred as mc
from microcred import jsonld
m = jsonld.ContextManifest.vendored()
n = sum(1 for u in m.urls if m.default(u) and jsonld.default_loader().load(u))
key = mc.keys.generate("Ed25519")
doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
       "issuer": key.did, "credentialSubject": {"id": "did:example:x"}}
assert mc.verify(mc.issue(doc, key)).verified
print(n)
"""


def test_fresh_interpreter_imports_signs_and_verifies_with_sockets_disabled() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert int(result.stdout.strip()) >= 15


def test_every_vendored_context_loads_without_sockets(
    no_sockets: list[tuple[object, ...]],
) -> None:
    manifest = jsonld.ContextManifest.vendored()
    loader = jsonld.StaticLoader()
    served = [url for url in manifest.urls if manifest.default(url) is not None]
    for url in served:
        assert loader.load(url).document
    assert no_sockets == []


def test_unknown_context_names_the_url_and_opens_no_socket(
    no_sockets: list[tuple[object, ...]],
) -> None:
    doc = {
        "@context": ["https://example.org/not-vendored/v1"],
        "@id": "urn:x",
        "https://schema.org/name": "n",
    }
    with pytest.raises(UnknownContextError, match=r"https://example\.org/not-vendored/v1"):
        jsonld.canonize(doc)
    assert no_sockets == []
