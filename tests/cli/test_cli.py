"""The CLI contract: keygen, issue, verify; exit codes 0/1/2; no tracebacks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import __version__
from microcred.cli import main
from microcred.testing import controller_document

VC_V2 = "https://www.w3.org/ns/credentials/v2"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "microcred.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out
    assert main(["--help"]) == 0
    assert "keygen" in capsys.readouterr().out
    assert main([]) == 2
    assert main(["no-such-command"]) == 2


@pytest.mark.parametrize(
    ("key_type", "did", "prefix"),
    [
        ("Ed25519", None, "did:key:z6Mk"),
        ("P-256", None, "did:key:zDn"),
        ("P-384", None, "did:key:z82"),
        ("RSA", "jwk", "did:jwk:"),
        ("Ed25519", "jwk", "did:jwk:"),
    ],
)
def test_keygen_writes_a_private_jwk_with_kid(
    tmp_path: Path, key_type: str, did: str | None, prefix: str
) -> None:
    out = tmp_path / "k.json"
    args = ["keygen", "--type", key_type, "-o", str(out)] + (["--did", did] if did else [])
    assert main(args) == 0
    jwk = json.loads(out.read_text())
    assert jwk["kid"].startswith(prefix)
    controller, _, fragment = jwk["kid"].partition("#")
    assert fragment
    if prefix.startswith("did:key"):
        assert controller == f"did:key:{fragment}"
    assert "d" in jwk
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert main(args) == 2  # refuses to overwrite
    assert main([*args, "--force"]) == 0


def test_keygen_rsa_with_did_key_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["keygen", "--type", "RSA", "--did", "key", "-o", str(tmp_path / "k")]) == 2


@pytest.fixture
def issued(tmp_path: Path) -> tuple[Path, Path]:
    key = tmp_path / "key.json"
    assert main(["keygen", "--type", "Ed25519", "-o", str(key)]) == 0
    did = json.loads(key.read_text())["kid"].split("#")[0]
    cred = tmp_path / "cred.json"
    cred.write_text(
        json.dumps(
            {
                "@context": [VC_V2],
                "type": ["VerifiableCredential"],
                "issuer": did,
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:x"},
            }
        )
    )
    signed = tmp_path / "signed.json"
    assert (
        main(
            [
                "issue",
                str(cred),
                "--key",
                str(key),
                "--created",
                "2026-01-01T00:00:00Z",
                "-o",
                str(signed),
            ]
        )
        == 0
    )
    return key, signed


def test_issue_is_reproducible_with_created(issued: tuple[Path, Path], tmp_path: Path) -> None:
    key, signed = issued
    cred = tmp_path / "cred.json"
    again = tmp_path / "again.json"
    assert (
        main(
            [
                "issue",
                str(cred),
                "--key",
                str(key),
                "--created",
                "2026-01-01T00:00:00Z",
                "-o",
                str(again),
            ]
        )
        == 0
    )
    assert again.read_text() == signed.read_text()


def test_verify_exit_codes_and_json_lines(issued: tuple[Path, Path], tmp_path: Path) -> None:
    _, signed = issued
    tampered = tmp_path / "tampered.json"
    doc = json.loads(signed.read_text())
    doc["credentialSubject"]["id"] = "did:example:mallory"
    tampered.write_text(json.dumps(doc))
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\xffnot json")

    ok = run("verify", str(signed), "--json")
    assert ok.returncode == 0, ok.stderr
    record = json.loads(ok.stdout)
    assert record["input"] == str(signed)
    assert record["verified"] is True
    assert record["outcome"] == "verified"
    assert record["format"] == "data-integrity"
    assert {"id", "status", "message"} <= set(record["checks"][0])

    bad = run("verify", str(tampered), "--json")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["outcome"] == "invalid"

    mixed = run("verify", str(signed), str(tampered), "--json")
    assert mixed.returncode == 1
    assert len(mixed.stdout.decode().splitlines()) == 2

    unreadable = run("verify", str(garbage), str(tmp_path / "missing.json"))
    assert unreadable.returncode == 2
    assert b"Traceback" not in unreadable.stderr

    human = run("verify", str(tampered))
    assert b"INVALID" in human.stdout
    assert b"proof.signature" in human.stdout


def test_verify_reads_stdin(issued: tuple[Path, Path]) -> None:
    _, signed = issued
    result = run("verify", "-", "--json", stdin=signed.read_bytes())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["input"] == "-"


def test_verify_now_and_suite_options(issued: tuple[Path, Path]) -> None:
    _, signed = issued
    early = run("verify", str(signed), "--json", "--now", "2025-01-01T00:00:00Z")
    assert early.returncode == 1
    assert any(
        c["id"] == "validity.valid_from" and c["status"] == "failed"
        for c in json.loads(early.stdout)["checks"]
    )
    other = run("verify", str(signed), "--suite", "eddsa-jcs-2022")
    assert other.returncode == 1
    assert run("verify", str(signed), "--now", "yesterday").returncode == 2


@settings(max_examples=40)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_verifier(data: bytes) -> None:
    import contextlib
    import io

    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"microcred-fuzz-{os.getpid()}.bin"
    path.write_bytes(data)
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["verify", str(path)])
    assert code in (1, 2)
    assert "Traceback" not in err.getvalue()
    assert "internal error" not in err.getvalue()


def test_verify_the_ob3_spec_vector_with_a_controller_document(tmp_path: Path) -> None:
    bench = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "data"
    if not (bench / "tv-ob-signed.json").exists():
        pytest.skip("OB 3.0 spec test vector not present: ../shared/bench/data")
    key = json.loads((bench / "test-vector-key.json").read_text())
    controller = tmp_path / "issuer.json"
    document = controller_document(key["verificationMethod"], key["publicKeyMultibase"])
    controller.write_text(json.dumps(document))
    vector = bench / "tv-ob-signed.json"
    ok = run("verify", str(vector), "--controller-doc", str(controller))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    doc = json.loads(vector.read_text())
    doc["name"] = str(doc.get("name", "")) + " (altered)"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc))
    assert run("verify", str(tampered), "--controller-doc", str(controller)).returncode == 1
    without = run("verify", str(vector), "--json")
    assert without.returncode == 1
    assert json.loads(without.stdout)["outcome"] == "indeterminate"
