"""The README is part of the product: its commands and code blocks must stay true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    section = README.split("Install and run the test suite", 1)[1]
    command = _blocks_in(section)[0].strip()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci_lines, f".ci/run does not run the README test command: {command}"


def _blocks_in(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def test_readme_has_the_two_setup_commands() -> None:
    run_cmd = _blocks_in(README.split("Install and run microcred", 1)[1])[0]
    assert "pip install" in run_cmd
    assert ".venv/bin/microcred" in run_cmd
    test_cmd = _blocks_in(README.split("Install and run the test suite", 1)[1])[0]
    assert "pip install" in test_cmd
    assert "pytest" in test_cmd


@pytest.mark.slow  # every command line of the README, in subprocesses
def test_readme_command_lines_run(tmp_path: Path) -> None:
    """Every ``microcred`` line of the README's shell blocks runs, in order, and exits 0
    (the install lines are what CI itself runs)."""
    import json
    import shutil
    import subprocess
    import sys

    from microcred.baking import tiny_png

    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    shutil.copy(ROOT / "examples" / "data" / "template-da123a.json", tmp_path / "template.json")
    (tmp_path / "badge.png").write_bytes(tiny_png())
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_roster.py"), "--rows", "5", "-o",
         str(tmp_path / "roster.csv")],
        check=True, capture_output=True,
    )  # fmt: skip
    lines = [
        line.split("#", 1)[0].strip()
        for block in _blocks("sh")
        for line in block.splitlines()
        if line.strip().startswith("microcred ")
    ]
    commands = [part.strip() for line in lines for part in line.split("&&")]
    assert len(commands) >= 10
    for command in commands:
        if "issue credential.json" in command and not (tmp_path / "credential.json").exists():
            did = json.loads((tmp_path / "issuer-key.json").read_text())["kid"].split("#")[0]
            unsigned = {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "issuer": did,
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:learner"},
            }
            (tmp_path / "credential.json").write_text(json.dumps(unsigned))
        argv = [sys.executable, "-m", "microcred.cli", *command.split()[1:]]
        result = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert result.returncode == 0, (command, result.stdout[-500:], result.stderr[-500:])
        assert "Traceback" not in result.stderr
