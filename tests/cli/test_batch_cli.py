"""``microcred batch-issue`` on a 1,000-row roster: errors by row, verification, privacy,
re-runs and interruption."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import microcred as mc
from microcred.cli import main

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "examples" / "data" / "template-da123a.json"


def _roster(folder: Path, rows: int, malformed: int, seed: int = 1) -> Path:
    path = folder / "roster.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_roster.py"), "--rows", str(rows),
         "--malformed", str(malformed), "--seed", str(seed), "-o", str(path)],
        check=True, capture_output=True,
    )  # fmt: skip
    return path


def _key(folder: Path) -> Path:
    path = folder / "issuer-key.json"
    assert main(["keygen", "--type", "Ed25519", "-o", str(path)]) == 0
    return path


def _manifest(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]


def test_thousand_rows_with_five_malformed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster, key, out = _roster(tmp_path, 1000, 5), _key(tmp_path), tmp_path / "out"
    capsys.readouterr()
    code = main(["batch-issue", str(roster), "--template", str(TEMPLATE), "--key", str(key),
                 "--out-dir", str(out), "--workers", "2"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    failed_rows = sorted(int(line.split()[1].rstrip(":")) for line in err.splitlines()
                         if line.startswith("row ") and "not issued" in line)  # fmt: skip
    assert len(failed_rows) == 5
    assert "995 issued, 5 failed" in err
    entries = _manifest(out)
    assert len(entries) == 995
    assert len({e["row"] for e in entries}) == 995
    assert not set(failed_rows) & {e["row"] for e in entries}

    personal_numbers = {
        row["national_id"].replace("-", "")
        for row in csv.DictReader(roster.open(encoding="utf-8"))
        if row["national_id"]
    }
    files = sorted(p for p in out.iterdir() if p.suffix == ".json")
    assert len(files) == 995
    everything = "\n".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    for number in personal_numbers:
        assert number not in everything
        assert number[2:] not in everything
        assert f"{number[:8]}-{number[8:]}" not in everything
    for entry in entries:
        path = out / str(entry["file"])
        assert entry["sha256"] == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    reports = [mc.verify(path.read_bytes()) for path in files]
    assert all(r.verified for r in reports)

    # a second run issues nothing new
    assert main(["batch-issue", str(roster), "--template", str(TEMPLATE), "--key", str(key),
                 "--out-dir", str(out)]) == 1  # fmt: skip
    assert "0 issued, 5 failed, 995 skipped" in capsys.readouterr().err
    assert len(_manifest(out)) == 995


@pytest.mark.parametrize("workers", [1, 2])
def test_an_interrupted_run_completes_on_the_next(tmp_path: Path, workers: int) -> None:
    roster, key, out = _roster(tmp_path, 1500, 0, seed=2), _key(tmp_path), tmp_path / "out"
    command = [sys.executable, "-m", "microcred.cli", "batch-issue", str(roster),
               "--template", str(TEMPLATE), "--key", str(key), "--out-dir", str(out),
               "--workers", str(workers)]  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        command, env=environment, stderr=subprocess.PIPE, stdout=subprocess.PIPE
    )
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if manifest.exists() and manifest.read_text().count("\n") >= 20:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    assert b"Traceback" not in err
    assert b"Exception ignored" not in err
    first = len(_manifest(out))
    assert 20 <= first < 1500
    assert f"interrupted: {first} issued, 0 failed in this run".encode() in err, err.decode()
    # nothing issued is left out of the manifest: every file written was recorded
    assert len([p for p in out.iterdir() if p.suffix == ".json"]) == first
    again = subprocess.run(command, env=environment, capture_output=True, check=False)
    assert again.returncode == 0, again.stderr.decode()
    assert f"{first} skipped" in again.stderr.decode()
    entries = _manifest(out)
    assert sorted(e["row"] for e in entries) == list(range(2, 1502))
    assert len([p for p in out.iterdir() if p.suffix == ".json"]) == 1500


def test_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster, key, out = _roster(tmp_path, 3, 0), _key(tmp_path), tmp_path / "out"
    base = [
        "batch-issue",
        str(roster),
        "--template",
        str(TEMPLATE),
        "--key",
        str(key),
        "--out-dir",
        str(out),
    ]
    assert main(base) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main([*base, "--force"]) == 0  # everything issued again, files replaced
    assert {p.name for p in out.iterdir()} == set(first)
    assert len(_manifest(out)) == 3
    assert main(["batch-issue", str(roster), "--template", str(tmp_path / "missing.json"),
                 "--key", str(key), "--out-dir", str(out)]) == 2  # fmt: skip
    assert "Traceback" not in capsys.readouterr().err


def test_ctrl_c_stops_a_run_whose_rows_all_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stop is checked for every row, failed ones too; the signal is raised in-process
    after the third row, so the moment is exact."""
    from microcred import batch

    roster, key, out = _roster(tmp_path, 10, 10), _key(tmp_path), tmp_path / "out"
    real = batch.issue_many

    def interrupted_after_three(*args: Any, **kwargs: Any) -> Iterator[batch.RowResult]:
        for number, result in enumerate(real(*args, **kwargs)):
            if number == 3:
                signal.raise_signal(signal.SIGINT)
            yield result

    monkeypatch.setattr(batch, "issue_many", interrupted_after_three)
    code = main(["batch-issue", str(roster), "--template", str(TEMPLATE), "--key", str(key),
                 "--out-dir", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 130, err
    assert "interrupted: 0 issued, 3 failed in this run" in err
    assert err.count("not issued") == 3
    # the handler is gone with the run: Ctrl-C is a KeyboardInterrupt again
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
