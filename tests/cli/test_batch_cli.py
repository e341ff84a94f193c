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


@pytest.mark.slow  # a 1000-row batch through the CLI
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
    assert "995 issued, 0 skipped (not a pass), 5 failed" in err
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
    assert (
        "0 issued, 0 skipped (not a pass), 5 failed, 995 already issued" in capsys.readouterr().err
    )
    assert len(_manifest(out)) == 995


@pytest.mark.slow  # a batch CLI process killed, then run again
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
    assert (
        f"interrupted: {first} issued, 0 skipped (not a pass), 0 failed in this run".encode() in err
    ), err.decode()
    # nothing issued is left out of the manifest: every file written was recorded
    assert len([p for p in out.iterdir() if p.suffix == ".json"]) == first
    again = subprocess.run(command, env=environment, capture_output=True, check=False)
    assert again.returncode == 0, again.stderr.decode()
    assert f"{first} already issued" in again.stderr.decode()
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
    assert "interrupted: 0 issued, 0 skipped (not a pass), 3 failed in this run" in err
    assert err.count("not issued") == 3
    # the handler is gone with the run: Ctrl-C is a KeyboardInterrupt again
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _pnr(serial: int) -> str:
    """The personal number of an invented learner born 1990-01-01 (valid check digit)."""
    nine = f"900101{serial:03d}"
    total = sum((int(c) * (2 - i % 2)) // 10 + (int(c) * (2 - i % 2)) % 10
                for i, c in enumerate(nine))  # fmt: skip
    return f"19{nine[:6]}-{nine[6:]}{(10 - total % 10) % 10}"


def _ladok_export(path: Path, lines: list[list[str]]) -> Path:
    """A roster as a Swedish Ladok export writes it: UTF-8 with a BOM, semicolons, CRLF."""
    header = ["Namn", "Personnummer", "E-post", "ExterntUID", "Betyg", "Examinationsdatum",
              "Kurskod"]  # fmt: skip
    text = "\r\n".join(";".join(cells) for cells in [header, *lines]) + "\r\n"
    path.write_bytes(text.encode("utf-8-sig"))
    return path


def _learner(serial: int, grade: str, *, name: str = "Alva Berg", date: str = "2026-06-10",
             pnr: str | None = None) -> list[str]:  # fmt: skip
    return [name, pnr or _pnr(serial), f"alva.{serial}@student.example",
            f"8f0f7c3e-1d2a-11ee-9c5b-{serial:012d}", grade, date, "DA123A"]  # fmt: skip


def _summary(err: str) -> dict[int, str]:
    outcome = {}
    for line in err.splitlines():
        if line.startswith("row ") and (": not issued: " in line or ": skipped: " in line):
            number, _, rest = line[4:].partition(": ")
            outcome[int(number)] = rest
    return outcome


def test_a_ladok_export_with_every_case_gives_exact_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = _key(tmp_path)
    roster = _ladok_export(tmp_path / "ladok.csv", [
        _learner(1, "G"),  # 2 issued
        _learner(2, ""),  # 3 blank grade
        _learner(3, "U"),  # 4 not a pass: skipped
        _learner(4, "vg"),  # 5 issued as VG
        _learner(5, "G", pnr=_pnr(1).replace("-", "")[2:]),  # 6 the learner of row 2 again
        _learner(6, "G", name=" "),  # 7 blank name
        _learner(7, "G", date="10/06/2026"),  # 8 not ISO 8601
        _learner(8, "VG"),  # 9 issued
    ])  # fmt: skip
    capsys.readouterr()
    code = main(["batch-issue", str(roster), "--template", str(TEMPLATE), "--key", str(key),
                 "--out-dir", str(tmp_path / "out")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1, err
    assert "done: 3 issued, 1 skipped (not a pass), 4 failed, 0 already issued" in err
    assert err.count("not used: Kurskod") == 1
    assert "Namn → name, Personnummer → national_id" in err
    assert _summary(err) == {
        3: "not issued: the grade cell is blank (the template's grade is never used in its place)",
        4: "skipped: grade U is not a pass on the U/G/VG scale",
        6: "not issued: the same learner as row 2 (the same personal number): a learner is "
        "not issued twice",
        7: "not issued: the learner's name is blank",
        8: "not issued: awarded '10/06/2026' is not a date: expected ISO 8601: ÅÅÅÅ-MM-DD "
        "(e.g. 2026-06-10) or a date-time",
    }
    assert "900101" not in err
    entries = _manifest(tmp_path / "out")
    assert [e["row"] for e in entries] == [2, 5, 9]
    grades = [
        json.loads((tmp_path / "out" / str(e["file"])).read_text())["credentialSubject"][
            "result"][0]["value"]
        for e in entries
    ]  # fmt: skip
    assert grades == ["G", "VG", "VG"]

    # the A-F scale: FX and F are not a pass; lowercase is the scale's spelling
    template = json.loads(TEMPLATE.read_text())
    template["grade"] = {"scale": "A-F"}
    (tmp_path / "a-f.json").write_text(json.dumps(template))
    roster = _ladok_export(tmp_path / "a-f.csv", [
        _learner(11, "A"), _learner(12, "Fx"), _learner(13, "f"), _learner(14, "e"),
        _learner(15, "G"),
    ])  # fmt: skip
    code = main(["batch-issue", str(roster), "--template", str(tmp_path / "a-f.json"),
                 "--key", str(key), "--out-dir", str(tmp_path / "a-f")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1, err
    assert "done: 2 issued, 2 skipped (not a pass), 1 failed" in err
    assert _summary(err)[3] == "skipped: grade FX is not a pass on the A-F scale"
    assert "grade 'G' is not on the A-F scale" in _summary(err)[6]
    code = main(["batch-issue", str(roster), "--template", str(tmp_path / "a-f.json"),
                 "--key", str(key), "--out-dir", str(tmp_path / "all"),
                 "--include-failing"])  # fmt: skip
    assert "done: 4 issued, 0 skipped (not a pass), 1 failed" in capsys.readouterr().err


def test_columns_not_recognised_are_named_and_can_be_mapped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = _key(tmp_path)
    roster = tmp_path / "other.csv"
    roster.write_text("Studerande\tStudentnummer\tOmdöme\nAlva Berg\tu-1\tVG\n", encoding="utf-8")
    base = ["batch-issue", str(roster), "--template", str(TEMPLATE), "--key", str(key),
            "--out-dir", str(tmp_path / "out")]  # fmt: skip
    capsys.readouterr()
    assert main(base) == 2
    err = capsys.readouterr().err
    assert "no column identifies the learner: the roster's columns are Studerande, " in err
    assert "Studentnummer, Omdöme; expected one of name, given_name" in err
    assert main([*base, "--column", "grad=Omdöme"]) == 2
    assert "unknown field 'grad'; did you mean 'grade'?" in capsys.readouterr().err
    assert main([*base, "--column", "name=Studerande", "--column", "ladok_uid=Studentnummer",
                 "--column", "grade=omdöme"]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "columns: Studerande → name, Studentnummer → ladok_uid, Omdöme → grade" in err
    assert "1 issued" in err
    # no grade column: the template's grade only when the issuer says so
    roster.write_text("Namn,ExterntUID\nAlva Berg,u-2\n", encoding="utf-8")
    assert main([*base, "--force"]) == 2
    assert "--template-grade" in capsys.readouterr().err
    assert main([*base, "--force", "--template-grade"]) == 0


def test_help_lists_the_fields_and_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch-issue", "--help"]) == 0
    out = capsys.readouterr().out
    for name in ("name", "given_name", "national_id", "ladok_uid", "esi", "grade", "awarded"):
        assert f"  {name} " in out
    for word in ("Personnummer".lower(), "e post", "externtuid", "betyg", "examinationsdatum"):
        assert word in out
    assert "--include-failing" in out
    assert "--column FIELD=HEADER" in out


def _outcomes(out: Path, capsys: pytest.CaptureFixture[str]) -> dict[int, str]:
    """Each issued row's verification outcome, with the batch's lists given offline."""
    capsys.readouterr()
    lists = [f"{url}={out / name}" for url, name in (
        ("https://uni.example/status/da123a/r", "status-list.json"),
        ("https://uni.example/status/da123a/s", "suspension-list.json"),
    )]  # fmt: skip
    outcome = {}
    for entry in _manifest(out):
        flags = [x for item in lists for x in ("--status-list", item)]
        main(["verify", "--json", *flags, str(out / str(entry["file"]))])
        report = json.loads(capsys.readouterr().out)
        outcome[int(entry["row"])] = report["outcome"]  # type: ignore[call-overload]
        if report["outcome"] == "invalid":
            failed = [c for c in report["checks"] if c["status"] == "failed"]
            assert [c["id"] for c in failed] == ["status"], failed
    return outcome


def test_revocation_end_to_end_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster, key, out = _roster(tmp_path, 5, 0), _key(tmp_path), tmp_path / "out"
    assert main(["batch-issue", str(roster), "--template", str(TEMPLATE), "--key", str(key),
                 "--out-dir", str(out),
                 "--status-list", "https://uni.example/status/da123a/r",
                 "--suspension-list", "https://uni.example/status/da123a/s"]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "publish it at https://uni.example/status/da123a/r" in err
    indexes = [e["status_index"] for e in _manifest(out)]
    assert len(set(indexes)) == 5
    assert _outcomes(out, capsys) == dict.fromkeys(range(2, 7), "verified")

    status = ["status", "--key", str(key)]
    assert main([*status[:1], "revoke", *status[1:], "--list", str(out / "status-list.json"),
                 "--row", "4"]) == 0  # fmt: skip
    assert main([*status[:1], "suspend", *status[1:], "--list",
                 str(out / "suspension-list.json"), "--row", "6"]) == 0  # fmt: skip
    assert _outcomes(out, capsys) == {2: "verified", 3: "verified", 4: "invalid", 5: "verified",
                                      6: "invalid"}  # fmt: skip
    assert main([*status[:1], "unsuspend", *status[1:], "--list",
                 str(out / "suspension-list.json"), "--row", "6"]) == 0  # fmt: skip
    assert _outcomes(out, capsys)[6] == "verified"

    # a re-run keeps the lists as they are (the revocation stays) and gives new rows new indexes
    (tmp_path / "more").mkdir()
    roster.write_bytes(_roster(tmp_path / "more", 8, 0).read_bytes())  # the five and three more
    assert main(["batch-issue", str(roster), "--template", str(TEMPLATE), "--key", str(key),
                 "--out-dir", str(out),
                 "--status-list", "https://uni.example/status/da123a/r",
                 "--suspension-list", "https://uni.example/status/da123a/s"]) == 0  # fmt: skip
    assert len({e["status_index"] for e in _manifest(out)}) == 8
    assert _outcomes(out, capsys)[4] == "invalid"

    # neither the lists nor the manifest hold personal data
    rows = list(csv.DictReader(roster.open(encoding="utf-8")))
    published = "".join((out / n).read_text() for n in ("status-list.json",
                        "suspension-list.json", "manifest.jsonl"))  # fmt: skip
    for row in rows:
        for column in ("name", "national_id", "email"):
            assert row[column] not in published
        assert row["national_id"].replace("-", "")[2:] not in published
    lists = (out / "status-list.json").read_text() + (out / "suspension-list.json").read_text()
    assert not any(row["ladok_uid"] in lists for row in rows)


def test_revocation_from_python(tmp_path: Path) -> None:
    from microcred import batch, status

    key = mc.keys.generate("Ed25519")
    rows = list(csv.DictReader(_roster(tmp_path, 4, 0).open(encoding="utf-8")))
    lists = batch.StatusLists("https://uni.example/status/r")
    results = list(batch.issue_many(rows, json.loads(TEMPLATE.read_text()), key, status=lists))
    revocation = status.signed_status_list("https://uni.example/status/r", key,
                                           purpose="revocation")  # fmt: skip
    third = results[1]
    assert third.status_index is not None
    revocation = status.update_status(revocation, third.status_index, True, key)
    known = status.StaticStatusLists({"https://uni.example/status/r": revocation})
    outcome = [mc.verify(r.credential, status=known).outcome for r in results]
    assert outcome == ["verified", "invalid", "verified", "verified"]


def test_a_template_with_typos_is_refused_before_any_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = json.loads(TEMPLATE.read_text())
    template["titel"] = template.pop("title")
    template["credentialStatus"] = {"type": "BitstringStatusListEntry"}
    (tmp_path / "typo.json").write_text(json.dumps(template))
    roster, key, out = _roster(tmp_path, 3, 0), _key(tmp_path), tmp_path / "out"
    capsys.readouterr()
    assert main(["batch-issue", str(roster), "--template", str(tmp_path / "typo.json"),
                 "--key", str(key), "--out-dir", str(out)]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "titel: unknown member of the Annex I form; did you mean 'title'?" in err
    assert "credentialStatus: not part of the Annex I form" in err
    assert "row " not in err  # once, not per row
    assert not out.exists()
    from microcred.batch import RosterError, issue_many

    with pytest.raises(RosterError, match="did you mean 'title'"):
        list(issue_many([{"name": "Alva Berg"}], template, mc.keys.generate("Ed25519")))


def test_a_roster_over_the_json_input_limit_is_read_row_by_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows are not JSON: a 9 MiB roster (over the 8 MiB input limit of a JSON document) is
    issued; a row over --max-row-bytes fails with the reason, the others are issued."""
    key = _key(tmp_path)
    remark = "x" * 60_000  # a wide column microcred does not use
    lines = ["Namn,ExterntUID,Betyg,Kommentar"]
    lines += [f"Alva Berg,u-{n},VG,{remark}" for n in range(150)]
    lines.insert(5, f"Nils Holm,u-long,G,{remark * 2}")  # row 6: over the 65,536-byte cap
    roster = tmp_path / "wide.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert roster.stat().st_size > mc.DEFAULT_LIMITS.max_input_bytes
    capsys.readouterr()
    code = main(["batch-issue", str(roster), "--template", str(TEMPLATE), "--key", str(key),
                 "--out-dir", str(tmp_path / "out"), "--template-grade"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1, err
    assert "not used: Kommentar" in err
    assert "done: 150 issued, 0 skipped (not a pass), 1 failed" in err
    assert _summary(err) == {
        6: "not issued: unreadable: the row is longer than the limit of 65536 bytes"
    }
    assert len(_manifest(tmp_path / "out")) == 150
    code = main(["batch-issue", str(roster), "--template", str(TEMPLATE), "--key", str(key),
                 "--out-dir", str(tmp_path / "narrow"), "--max-row-bytes", "100"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "done: 0 issued, 0 skipped (not a pass), 151 failed" in err
