"""An institution's did:web (or https controller) credential, made with the CLI (keygen,
did-document, issue), verified by the reference JavaScript stack (@digitalbazaar/vc) with the
published document handed to its offline document loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.cli import main

from .conftest import NodeStack, contexts_for_node
from .test_di_interop import microcredential

CREATED = "2024-07-01T00:00:00Z"
WEB = ("--did", "web:uni.example.se", "--key-id", "key-1")

CASES = [
    ("Ed25519", ["--did", "web:uni.example.se", "--key-id", "key-1"], "eddsa-rdfc-2022"),
    ("P-256", ["--did", "web:uni.example.se:issuers:2026"], "ecdsa-rdfc-2019"),
    ("P-384", ["--did", "web:localhost%3A8443"], "ecdsa-rdfc-2019"),
    ("Ed25519", ["--controller", "https://uni.example.se/issuer"], "eddsa-jcs-2022"),
]


def _made_with_the_cli(
    tmp_path: Path, key_type: str, identity: list[str], suite: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    key = tmp_path / "key.json"
    assert main(["keygen", "--type", key_type, *identity, "-o", str(key)]) == 0
    assert main(["did-document", str(key), "-o", str(tmp_path / "did.json")]) == 0
    document = json.loads((tmp_path / "did.json").read_text())
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps(microcredential(document["id"])))
    signed = tmp_path / "signed.json"
    args = ["issue", str(unsigned), "--key", str(key), "--suite", suite, "--created", CREATED]
    assert main([*args, "-o", str(signed)]) == 0
    return json.loads(signed.read_text()), document


@pytest.mark.parametrize(
    ("key_type", "identity", "suite"), CASES, ids=[f"{c[2]}-{c[1][1]}" for c in CASES]
)
def test_node_verifies_the_institutions_credential_with_its_document(
    node_stack: NodeStack, tmp_path: Path, key_type: str, identity: list[str], suite: str
) -> None:
    signed, document = _made_with_the_cli(tmp_path, key_type, identity, suite)
    method = signed["proof"][0]["verificationMethod"]
    assert method.startswith(document["id"] + "#")
    answer = node_stack.request(
        {
            "op": "verify",
            "suites": [suite],
            "credential": signed,
            "documents": {**contexts_for_node(), document["id"]: document},
        }
    )
    assert answer["verified"], answer.get("error")
    # and microcred's own verifier agrees, through the CLI
    assert (
        main(
            [
                "verify",
                str(tmp_path / "signed.json"),
                "--controller-doc",
                str(tmp_path / "did.json"),
            ]
        )
        == 0
    )


def test_node_refuses_without_the_document_or_with_another_key(
    node_stack: NodeStack, tmp_path: Path
) -> None:
    """Negative controls: the Node verifier really resolves the key from the document."""
    signed, document = _made_with_the_cli(
        tmp_path, "Ed25519", ["--did", "web:uni.example.se", "--key-id", "key-1"], "eddsa-rdfc-2022"
    )
    request = {"op": "verify", "suites": ["eddsa-rdfc-2022"], "credential": signed}
    missing = node_stack.request({**request, "documents": contexts_for_node()})
    assert missing["verified"] is False
    assert "did:web:uni.example.se" in (missing.get("error") or "")

    other = tmp_path / "other"
    other.mkdir()
    assert main(["keygen", "--type", "Ed25519", *WEB, "-o", str(other / "k.json")]) == 0
    assert main(["did-document", str(other / "k.json"), "-o", str(other / "did.json")]) == 0
    impostor = json.loads((other / "did.json").read_text())
    assert impostor["id"] == document["id"]
    wrong = node_stack.request(
        {**request, "documents": {**contexts_for_node(), impostor["id"]: impostor}}
    )
    assert wrong["verified"] is False
    unlisted = {**document, "assertionMethod": []}
    not_asserted = node_stack.request(
        {**request, "documents": {**contexts_for_node(), document["id"]: unlisted}}
    )
    assert not_asserted["verified"] is False
