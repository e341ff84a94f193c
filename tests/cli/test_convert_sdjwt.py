"""``microcred convert FORM --to sd-jwt-vc --issuer-key KEY [--holder-jwk H] -o OUT`` and
``microcred inspect`` of an SD-JWT VC; acceptance 3 of issue 20 from the command line (issued,
presented with only the title, ECTS and issuer, verified; the hidden claims in no output)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from microcred.cli import main
from microcred.model._sdjwt_mapping import SD_JWT_VC_TYPE
from microcred.sdjwt import decode_sd_jwt

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "examples" / "data" / "annex-i-da123a.json"
TITLE_ECTS_ISSUER = (
    "/credentialSubject/achievement/name",
    "/credentialSubject/achievement/ECTS",
    "/issuer",
)
HIDDEN = ("Tolvan", "8f0f7c3e", "VG (U/G/VG)", "2026-06-12", "2026-06-10", "19121212")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


@pytest.fixture
def keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    issuer, holder = tmp_path / "issuer.json", tmp_path / "holder.json"
    assert _run(["keygen", "--type", "Ed25519", "-o", str(issuer)], capsys)[0] == 0
    assert _run(["keygen", "--type", "P-256", "-o", str(holder)], capsys)[0] == 0
    return issuer, holder


def _did(key: Path) -> str:
    from microcred.keys import KeyPair

    return KeyPair.from_private_jwk_bytes(key.read_bytes()).verification_method


def test_convert_to_sd_jwt_vc_writes_a_dc_sd_jwt_with_the_key_files_kid(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    issuer, holder = keys
    out = tmp_path / "mc.sdjwt"
    argv = ["convert", str(FORM), "--to", "sd-jwt-vc", "--issuer-key", str(issuer)]
    code, _, err = _run([*argv, "--holder-jwk", str(holder), "-o", str(out)], capsys)
    assert code == 0, err
    text = out.read_text()
    assert text.endswith("~\n")
    sd = decode_sd_jwt(text)
    assert sd.header["typ"] == "dc+sd-jwt"
    assert sd.header["kid"] == _did(issuer)
    assert sd.payload["vct"] == SD_JWT_VC_TYPE
    assert sd.payload["iss"] == _did(issuer).split("#")[0]
    assert sd.payload["cnf"]["jwk"]["kty"] == "EC"
    assert "d" not in sd.payload["cnf"]["jwk"]  # the public part of the holder's key file
    achievement = sd.payload["credentialSubject"]["achievement"]
    assert achievement["name"] == "Grundläggande maskininlärning"
    assert achievement["creditsAvailable"] == 7.5
    # the learner and the grade are only in the Disclosures
    issuer_part = json.dumps(sd.payload, ensure_ascii=False)
    assert "Tolvan" not in issuer_part
    assert '"value": "VG"' not in issuer_part
    assert "19121212" not in text  # the personal identity number goes nowhere
    # refuses to replace the file
    code, _, err = _run([*argv, "-o", str(out)], capsys)
    assert code == 2
    assert "exists" in err


def test_convert_to_sd_jwt_vc_needs_an_issuer_key_and_a_complete_form(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["convert", str(FORM), "--to", "sd-jwt-vc"], capsys)
    assert code == 2
    assert "--issuer-key" in err
    form = json.loads(FORM.read_text())
    del form["learning_outcomes"]
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps(form))
    code, _, err = _run(
        ["convert", str(partial), "--to", "sd-jwt-vc", "--issuer-key", str(keys[0])], capsys
    )
    assert code == 1
    assert "learning outcomes" in err
    code, _, err = _run(["convert", str(FORM), "--to", "elm", "--holder-jwk", str(keys[1])], capsys)
    assert code == 2
    assert "--holder-jwk applies to --to sd-jwt-vc" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"kty": "nope"}')
    argv = ["convert", str(FORM), "--to", "sd-jwt-vc", "--issuer-key", str(keys[0])]
    code, _, err = _run([*argv, "--holder-jwk", str(bad)], capsys)
    assert code == 2
    assert "holder JWK" in err


def test_acceptance_3_from_the_command_line(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issued, presented with only the title, ECTS and issuer disclosed, verified; inspect
    shows the disclosed elements and counts what stayed hidden; no output has a hidden claim."""
    issuer, holder = keys
    issued, shown = tmp_path / "mc.sdjwt", tmp_path / "shown.sdjwt"
    argv = ["convert", str(FORM), "--to", "sd-jwt-vc", "--issuer-key", str(issuer)]
    assert _run([*argv, "--holder-jwk", str(holder), "-o", str(issued)], capsys)[0] == 0
    present = ["present", str(issued), "--holder-key", str(holder), "--nonce", "n-1"]
    present += ["--aud", "https://verifier.example", "-o", str(shown)]
    for pointer in TITLE_ECTS_ISSUER:
        present += ["--disclose", pointer]
    code, _, err = _run(present, capsys)
    assert code == 0, err
    verify = ["verify", str(shown), "--nonce", "n-1", "--aud", "https://verifier.example"]
    code, out, err = _run(verify, capsys)
    assert code == 0, out + err
    assert re.search(r"ok\s+sdjwt.kb", out)
    code, out, err = _run(["verify", str(shown), "--nonce", "n-2"], capsys)
    assert code == 1  # another verifier's nonce: the key binding fails
    for secret in HIDDEN:
        assert secret not in out + err, secret

    code, out, _ = _run(["inspect", str(shown)], capsys)
    assert code == 0  # not disclosed is not missing
    assert "Grundläggande maskininlärning (DA123A)" in out
    assert "7.5 ECTS" in out
    assert "Exempeluniversitetet" in out
    assert "6 hidden" in out
    assert re.search(r"hidden\s+mandatory identification of the learner", out)
    assert re.search(r"hidden\s+optional\s+grade", out)
    assert "MISSING" not in out
    for secret in HIDDEN:
        assert secret not in out, secret

    code, out, _ = _run(["inspect", "--json", str(shown)], capsys)
    record = json.loads(out)
    assert code == 0
    assert record["sd_jwt_vc"]["hidden"] == 6
    assert record["sd_jwt_vc"]["vct"] == SD_JWT_VC_TYPE
    assert record["sd_jwt_vc"]["not_disclosed"] == [
        "identification of the learner",
        "date of issuing",
        "grade",
    ]
    assert record["missing"] == []
    assert record["elements"]["grade"] == ""


def test_inspect_of_the_sd_jwt_vc_as_issued_shows_every_element(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    issued = tmp_path / "mc.sdjwt"
    argv = ["convert", str(FORM), "--to", "sd-jwt-vc", "--issuer-key", str(keys[0])]
    assert _run([*argv, "-o", str(issued)], capsys)[0] == 0
    code, out, _ = _run(["inspect", "--json", str(issued)], capsys)
    record = json.loads(out)
    assert code == 0
    assert record["complete"] is True
    assert record["sd_jwt_vc"]["hidden"] == 0
    assert len(record["sd_jwt_vc"]["disclosed"]) == 6
    assert record["elements"]["grade"] == "VG (U/G/VG)"
    # and it converts back to the Annex I form
    code, out, _ = _run(["convert", str(issued), "--to", "annex-i"], capsys)
    assert code == 0
    assert json.loads(out)["grade"] == {"scale": "U/G/VG", "value": "VG"}


def test_inspect_of_a_broken_sd_jwt_is_a_clear_error(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    issued = tmp_path / "mc.sdjwt"
    argv = ["convert", str(FORM), "--to", "sd-jwt-vc", "--issuer-key", str(keys[0])]
    assert _run([*argv, "-o", str(issued)], capsys)[0] == 0
    text = issued.read_text().strip()
    head, first, *rest = text.split("~")
    broken = tmp_path / "broken.sdjwt"
    broken.write_text("~".join([head, first, first, *rest]))  # a disclosure given twice
    code, _, err = _run(["inspect", str(broken)], capsys)
    assert code == 2
    assert "twice" in err


def test_the_contract_from_outside(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    """The CLI contract as a separate process runs it: convert, present, verify, inspect."""
    import os
    import subprocess
    import sys

    import microcred as mc

    env = {**os.environ, "PYTHONPATH": str(Path(mc.__file__).parents[1])}

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "microcred.cli", *argv],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=120,
        )

    issuer, holder = keys
    issued, shown = tmp_path / "mc.sdjwt", tmp_path / "shown.sdjwt"
    made = cli("convert", str(FORM), "--to", "sd-jwt-vc", "--issuer-key", str(issuer))
    assert made.returncode == 0, made.stderr  # without -o the token goes to stdout
    assert made.stdout.endswith("~\n")
    made = cli(
        "convert", str(FORM), "--to", "sd-jwt-vc", "--issuer-key", str(issuer),
        "--holder-jwk", str(holder), "-o", str(issued),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert decode_sd_jwt(issued.read_text()).header["typ"] == "dc+sd-jwt"
    presented = cli(
        "present", str(issued), "--holder-key", str(holder), "--nonce", "n", "--aud", "a",
        *[x for p in TITLE_ECTS_ISSUER for x in ("--disclose", p)], "-o", str(shown),
    )  # fmt: skip
    assert presented.returncode == 0, presented.stderr
    verified = cli("verify", str(shown), "--nonce", "n", "--aud", "a")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    inspected = cli("inspect", str(shown))
    assert inspected.returncode == 0, inspected.stderr
    assert "6 hidden" in inspected.stdout
    for secret in HIDDEN:
        assert secret not in verified.stdout + inspected.stdout, secret
