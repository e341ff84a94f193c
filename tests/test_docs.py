"""Every Python code block in README.md and docs/*.md runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    (page, index, code)
    for page in PAGES
    for index, code in enumerate(
        re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
    )
]


@pytest.mark.parametrize(
    ("page", "index", "code"), BLOCKS, ids=[f"{p.name}#{i + 1}" for p, i, _ in BLOCKS]
)
def test_code_block_runs(
    page: Path, index: int, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"{page.name} block {index + 1}", "exec"), {"__name__": "__doc__"})


def test_there_are_blocks_to_run() -> None:
    assert len(BLOCKS) >= 5
