"""Every script in examples/ runs and does what it says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=ENV, capture_output=True, text=True, check=False
    )


def test_every_example_is_exercised() -> None:
    assert {p.name for p in EXAMPLES} == {
        "issue_microcredential.py",
        "verify_anything.py",
        "batch_issue.py",
        "stack_clr.py",
        "export_elm.py",
    }


def test_issue_then_verify_anything(tmp_path: Path) -> None:
    issued = _run(str(ROOT / "examples" / "issue_microcredential.py"), str(tmp_path), cwd=tmp_path)
    assert issued.returncode == 0, issued.stderr
    assert "credential.json: verified" in issued.stdout
    (tmp_path / "junk.json").write_text("{not json")
    explained = _run(
        str(ROOT / "examples" / "verify_anything.py"),
        str(tmp_path / "credential.json"),
        str(tmp_path / "credential.jwt"),
        str(tmp_path / "junk.json"),
        cwd=tmp_path,
    )
    assert explained.returncode == 0, explained.stderr
    assert "credential.json: verified" in explained.stdout
    assert "credential.jwt: verified" in explained.stdout
    assert "junk.json: invalid" in explained.stdout
    assert "parse: not valid JSON" in explained.stdout


def test_batch_issue_example(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    made = _run(str(ROOT / "scripts" / "make_roster.py"), "--rows", "12", "--malformed", "2",
                "--failing", "2", "-o", str(roster), cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    result = _run(
        str(ROOT / "examples" / "batch_issue.py"), str(roster), str(tmp_path / "out"), cwd=tmp_path
    )
    assert result.returncode == 1
    assert "8 issued, 2 skipped, 2 failed" in result.stdout
    assert result.stdout.count("is not a pass on the U/G/VG scale") == 2
    assert len(list((tmp_path / "out").glob("*.json"))) == 8


@pytest.mark.parametrize("script", ["stack_clr.py", "export_elm.py"])
def test_other_examples(script: str, tmp_path: Path) -> None:
    result = _run(str(ROOT / "examples" / script), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "verified" in result.stdout or "valid" in result.stdout
