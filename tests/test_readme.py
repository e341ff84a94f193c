"""The README is part of the product: its commands and code blocks must stay true."""

from __future__ import annotations

import re
from pathlib import Path

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
