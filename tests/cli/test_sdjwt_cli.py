"""``microcred issue --format sd-jwt-vc|vc+sd-jwt``, ``microcred present`` and ``microcred
verify`` of SD-JWTs (shape detection, ``--nonce``/``--aud``, ``--trust-anchor``, exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.cli import main


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {name: tmp_path / f"{name}.json" for name in ("issuer", "holder")}
    assert main(["keygen", "--type", "Ed25519", "-o", str(paths["issuer"])]) == 0
    assert main(["keygen", "--type", "P-256", "-o", str(paths["holder"])]) == 0
    claims = tmp_path / "claims.json"
    claims.write_text(
        json.dumps(
            {
                "credentialSubject": {
                    "achievement": {"name": "Data Science", "ECTS": 7.5},
                    "grade": "Excellent-4711",
                },
                "learner": "did:example:learner",
            }
        )
    )
    paths["claims"] = claims
    return paths


def _issue(files: dict[str, Path], out: Path, *extra: str) -> int:
    return main(
        [
            "issue",
            str(files["claims"]),
            "--key",
            str(files["issuer"]),
            "--format",
            "sd-jwt-vc",
            "--vct",
            "urn:eudi:micro_credential:1",
            "--disclosable",
            "/credentialSubject/grade",
            "--disclosable",
            "/learner",
            "--holder-jwk",
            str(files["holder"]),
            "-o",
            str(out),
            *extra,
        ]
    )


def test_issue_present_verify(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issued, presented = tmp_path / "cred.txt", tmp_path / "pres.txt"
    assert _issue(files, issued) == 0
    assert issued.read_text().count("~") == 3
    args = [
        "present",
        str(issued),
        "--disclose",
        "/credentialSubject/achievement",
        "--holder-key",
        str(files["holder"]),
        "--nonce",
        "n-1",
        "--aud",
        "https://rp.example",
        "-o",
        str(presented),
    ]
    assert main(args) == 0
    capsys.readouterr()
    verify = ["verify", str(presented), "--nonce", "n-1", "--aud", "https://rp.example"]
    assert main(verify) == 0
    out = capsys.readouterr().out
    assert "VERIFIED (sd-jwt-vc credential)" in out
    assert "disclosed: 0 claim(s); hidden: 2" in out
    assert "Excellent-4711" not in out
    assert main([*verify[:2], "--nonce", "other", "--aud", "https://rp.example"]) == 1
    assert "sdjwt.kb" in capsys.readouterr().out
    assert main([*verify, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["format"] == "sd-jwt-vc"
    assert record["disclosed"] == []
    assert record["hidden_count"] == 2


def test_present_chosen_claims(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issued, presented = tmp_path / "cred.txt", tmp_path / "pres.txt"
    assert _issue(files, issued) == 0
    assert main(["present", str(issued), "--disclose", "/learner", "-o", str(presented)]) == 0
    capsys.readouterr()
    assert main(["verify", str(presented), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["disclosed"] == ["/learner"]
    assert record["hidden_count"] == 1


def test_vc_sd_jwt(files: dict[str, Path], tmp_path: Path) -> None:
    did = json.loads(files["issuer"].read_text())["kid"].split("#")[0]
    credential = tmp_path / "vc.json"
    credential.write_text(
        json.dumps(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "issuer": did,
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:1", "name": "Ann"},
            }
        )
    )
    out = tmp_path / "vc.txt"
    args = ["issue", str(credential), "--key", str(files["issuer"]), "--format", "vc+sd-jwt"]
    assert main([*args, "--disclosable", "/credentialSubject/name", "-o", str(out)]) == 0
    assert main(["verify", str(out)]) == 0
    assert main([*args, "--disclosable", "/issuer", "-o", str(tmp_path / "x.txt")]) == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "sd-jwt-vc"], "--vct"),
        (["--format", "jwt", "--vct", "urn:x"], "apply to --format sd-jwt-vc"),
        (["--format", "sd-jwt-vc", "--vct", "urn:x", "--disclosable", "/nope"], "names no claim"),
        (["--format", "sd-jwt-vc", "--vct", "urn:x", "--disclosable", "/vct"], "never"),
        (["--format", "vc+sd-jwt", "--vct", "urn:x"], "sd-jwt-vc only"),
    ],
)
def test_issue_usage_errors(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    args = ["issue", str(files["claims"]), "--key", str(files["issuer"]), *extra]
    assert main([*args, "-o", str(tmp_path / "o.txt")]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--disclose", "/nope"], "names no claim"),
        (["--nonce", "n"], "--holder-key"),
        (["--holder-key", "HOLDER"], "--nonce"),
        (["--holder-key", "ISSUER", "--nonce", "n", "--aud", "a"], "cnf"),
    ],
)
def test_present_usage_errors(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    issued = tmp_path / "cred.txt"
    assert _issue(files, issued) == 0
    extra = [
        str(files["holder"]) if e == "HOLDER" else str(files["issuer"]) if e == "ISSUER" else e
        for e in extra
    ]
    assert main(["present", str(issued), *extra]) == 2
    assert message in capsys.readouterr().err


def test_present_unreadable_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("not an sd-jwt")
    assert main(["present", str(bad), "--disclose", "/a"]) == 2
    assert main(["present", str(tmp_path / "missing.txt")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_verify_tampered_is_invalid(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issued = tmp_path / "cred.txt"
    assert _issue(files, issued) == 0
    jwt, first, *rest = issued.read_text().strip().split("~")
    tampered = tmp_path / "tampered.txt"
    tampered.write_text("~".join([jwt, first[:-2] + "AA", *rest]))
    assert main(["verify", str(tampered)]) == 1
    assert main(["verify", str(tampered), "--trust-anchor", str(files["claims"])]) == 2
    assert "not a PEM certificate" in capsys.readouterr().err
