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


def test_every_image_a_page_shows_is_in_the_repository() -> None:
    """A ``![...](images/...)`` in docs/ names a file that is there (the verifier page's
    screenshots in docs/verification.md are cropped from the browser test's)."""
    docs = Path(__file__).resolve().parents[1] / "docs"
    shown = [
        (page.name, target)
        for page in docs.glob("*.md")
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text(encoding="utf-8"))
    ]
    assert ("verification.md", "images/trust-confirmed-sv.png") in shown
    for page, target in shown:
        path = docs / target
        assert path.is_file(), f"{page} shows {target}, which is not in docs/"
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), f"{target} is not a PNG"
