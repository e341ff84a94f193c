"""``microcred issue --suite ecdsa-sd-2023 --mandatory-pointer`` and ``microcred derive``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import microcred as mc
from microcred.cli import main

VC_V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    key = tmp_path / "key.json"
    assert main(["keygen", "--type", "P-256", "-o", str(key)]) == 0
    did = json.loads(key.read_text())["kid"].split("#")[0]
    cred = tmp_path / "cred.json"
    cred.write_text(
        json.dumps(
            {
                "@context": [VC_V2, {"@vocab": "https://example.org/vocab#"}],
                "type": ["VerifiableCredential"],
                "issuer": did,
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:x", "name": "Alma", "grade": "VG"},
            }
        )
    )
    signed = tmp_path / "base.json"
    args = ["issue", str(cred), "--key", str(key), "--suite", "ecdsa-sd-2023"]
    # the credential embeds a context: refused unless the issuer opts in
    assert main([*args, "--mandatory-pointer", "/issuer", "-o", str(signed)]) == 2
    args.append("--allow-inline-contexts")
    assert main([*args, "--mandatory-pointer", "/issuer", "-o", str(signed)]) == 0
    return signed


def test_issue_then_derive_then_verify(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    derived = tmp_path / "derived.json"
    args = ["derive", str(base), "--reveal", "/credentialSubject/grade", "-o", str(derived)]
    assert main(args) == 0
    assert main(args) == 2  # never overwritten without --force
    document = json.loads(derived.read_text())
    assert document["credentialSubject"] == {"id": "did:example:x", "grade": "VG"}
    assert main(["verify", str(derived)]) == 1  # its embedded context is refused by default
    assert "embedded context" in capsys.readouterr().out
    assert main(["verify", "--allow-inline-contexts", str(derived)]) == 0
    # a base proof is for the holder
    assert main(["verify", "--allow-inline-contexts", str(base)]) == 1
    assert "base proof" in capsys.readouterr().out


def test_derive_errors_are_usage_errors_with_a_reason(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["derive", str(base), "--reveal", "/credentialSubject/nothing"]) == 2
    assert "does not match" in capsys.readouterr().err
    plain = tmp_path / "plain.json"
    key = mc.keys.generate("Ed25519")
    credential = {
        "@context": [VC_V2],
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "credentialSubject": {"id": "did:example:x"},
    }
    plain.write_text(json.dumps(mc.issue(credential, key)))
    assert main(["derive", str(plain), "--reveal", "/issuer"]) == 2
    assert "ecdsa-sd-2023 proof" in capsys.readouterr().err


def test_mandatory_pointers_need_the_selective_suite(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key.json"
    cred = tmp_path / "cred.json"
    assert main(["issue", str(cred), "--key", str(key), "--mandatory-pointer", "/issuer"]) == 2
    assert "not selective" in capsys.readouterr().err
    args = ["issue", str(cred), "--key", str(key), "--format", "jwt"]
    assert main([*args, "--mandatory-pointer", "/issuer"]) == 2
    assert "--format di only" in capsys.readouterr().err
