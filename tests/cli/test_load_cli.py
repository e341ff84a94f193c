"""The CLI under load: ``verify --jobs`` over many inputs (input order kept, a bad input never
stops the others, Ctrl-C clean) and cold start (a command imports only what it uses)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import microcred as mc
from microcred.cli import _COMMANDS, _parser, main

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
HEAVY = ("pyld", "jwcrypto", "jsonschema", "lxml", "pydantic", "cryptography")


def _inputs(folder: Path, count: int) -> list[str]:
    """``count`` inputs: verified credentials, with a tampered one, a JWT, a file that is not
    JSON and a missing file among them."""
    key = mc.keys.generate("Ed25519")
    paths = []
    for number in range(count):
        credential = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "id": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
            "issuer": key.did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": f"did:example:{number}"},
        }
        path = folder / f"{number:03d}.json"
        if number == 3:
            signed = mc.issue(credential, key)
            signed["credentialSubject"]["id"] = "did:example:someone-else"
            path.write_text(json.dumps(signed))
        elif number == 5:
            path = path.with_suffix(".jwt")
            path.write_text(str(mc.issue(credential, key, format="jwt")))
        elif number == 7:
            path.write_text("not json")
        elif number == 11:
            path = folder / "missing.json"
        else:
            path.write_text(json.dumps(mc.issue(credential, key)))
        paths.append(str(path))
    return paths


def test_verify_in_processes_keeps_the_input_order_and_every_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = _inputs(tmp_path, 40)
    capsys.readouterr()
    one = main(["verify", "--json", "--jobs", "1", *paths])
    alone = capsys.readouterr()
    two = main(["verify", "--json", "--jobs", "2", *paths])
    together = capsys.readouterr()
    assert one == two == 2  # unreadable inputs: exit 2, and every other input is reported
    assert together.out == alone.out
    assert together.err == alone.err
    records = [json.loads(line) for line in together.out.splitlines()]
    assert [r["input"] for r in records] == paths
    outcomes = {i: r["outcome"] for i, r in enumerate(records)}
    assert outcomes[3] == "invalid"
    assert outcomes[7] == outcomes[11] == "indeterminate"
    assert [r["format"] for r in records][5] == "jwt"
    assert sum(r["verified"] for r in records) == 37
    assert "missing.json: unreadable input: cannot read" in together.err
    # the readable form too, block by block in input order
    assert main(["verify", "--jobs", "2", *paths]) == 2
    text = capsys.readouterr().out
    heads = [line.split(": ")[0] for line in text.splitlines() if not line.startswith(" ")]
    assert heads == [p for i, p in enumerate(paths) if i not in (7, 11)]
    assert main(["verify", "--jobs", "0", paths[0]]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def test_ctrl_c_stops_verify_in_processes_cleanly(tmp_path: Path) -> None:
    paths = _inputs(tmp_path, 12) * 400  # 4,800 inputs: long enough to be interrupted
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred.cli", "verify", "--json", "--jobs", "2", *paths],
        env=ENVIRONMENT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()  # verifying has begun
    assert json.loads(first)["input"] == paths[0]
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    assert b"Traceback" not in err
    assert b"interrupted" in err
    assert len(out.splitlines()) + 1 < len(paths)


def _imported(*code: str) -> set[str]:
    script = "import sys\n" + "\n".join(code) + "\nprint(' '.join(sorted(sys.modules)))"
    found = subprocess.run(
        [sys.executable, "-c", script], env=ENVIRONMENT, capture_output=True, check=True,
        text=True,
    )  # fmt: skip
    return {name.split(".")[0] for name in found.stdout.split()}


def test_import_microcred_and_version_load_no_heavy_dependency() -> None:
    assert not _imported("import microcred").intersection(HEAVY)
    assert not _imported(
        "from microcred.cli import main",
        "import contextlib, io",
        "with contextlib.redirect_stdout(io.StringIO()): assert main(['--version']) == 0",
    ).intersection(HEAVY)
    # verifying a credential that declares no schema does not load jsonschema
    loaded = _imported(
        "import microcred as mc",
        "key = mc.keys.generate('Ed25519')",
        "credential = {'@context': ['https://www.w3.org/ns/credentials/v2'],"
        " 'type': ['VerifiableCredential'], 'issuer': key.did,"
        " 'credentialSubject': {'id': 'did:example:x'}}",
        "assert mc.verify(mc.issue(credential, key)).verified",
    )
    assert "jsonschema" not in loaded


def test_the_public_names_load_on_first_use() -> None:
    loaded = _imported("import microcred as mc", "mc.MicroCredential, mc.verify, mc.keys")
    assert "pydantic" in loaded
    assert callable(mc.verify)
    assert mc.verify is __import__("microcred.verify", fromlist=["verify"]).verify
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = mc.nothing  # type: ignore[attr-defined]


def test_every_command_is_listed_with_the_help_its_module_gives() -> None:
    full = _parser(full=True)
    listed = _parser()
    helps = {}
    for parser in (full, listed):
        action = next(a for a in parser._actions if a.dest == "command")
        helps[parser] = {c.dest: c.help for c in action._choices_actions}  # type: ignore[attr-defined]
    assert helps[listed] == helps[full]
    assert list(helps[full]) == list(_COMMANDS)
