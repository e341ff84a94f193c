"""microcred.batch.read_roster: a CSV roster read a row at a time, a cap per row, the
encoding and delimiter from the head; and the compact table of identities seen."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import microcred as mc
from microcred.batch import (
    MAX_ROW_BYTES,
    RosterError,
    UnreadableRow,
    _Seen,
    issue_many,
    read_roster,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = json.loads((ROOT / "examples" / "data" / "template-da123a.json").read_text())
KEY = mc.keys.generate("Ed25519")


def _rows(data: bytes, **options: int) -> tuple[list[str], list[object]]:
    roster = read_roster(io.BufferedReader(io.BytesIO(data)), **options)  # type: ignore[arg-type]
    return roster.headers, list(roster)


def test_rows_are_read_with_the_sniffed_delimiter_and_quoting() -> None:
    data = 'Namn;ExterntUID;Betyg\r\n"Berg; Alva";u-1;VG\r\n\r\n"Holm ""Nils""\nsecond";u-2;G\r\n'
    headers, rows = _rows(data.encode("utf-8-sig"))
    assert headers == ["Namn", "ExterntUID", "Betyg"]  # the BOM is not part of the header
    assert rows == [
        {"Namn": "Berg; Alva", "ExterntUID": "u-1", "Betyg": "VG"},  # a blank line is no row
        {"Namn": 'Holm "Nils"\nsecond', "ExterntUID": "u-2", "Betyg": "G"},
    ]


def test_a_row_over_the_cap_is_unreadable_and_the_next_is_read() -> None:
    long = "x" * 5000
    data = f"name,ladok_uid\nAlva,u-1\n{long},u-2\nNils,u-3\n".encode()
    _, rows = _rows(data, max_row_bytes=1000)
    assert rows[0] == {"name": "Alva", "ladok_uid": "u-1"}
    assert isinstance(rows[1], UnreadableRow)
    assert rows[1].reason == "the row is longer than the limit of 1000 bytes"
    assert rows[2] == {"name": "Nils", "ladok_uid": "u-3"}


def test_an_unclosed_quote_is_one_unreadable_row_never_rows_made_of_its_text() -> None:
    # the quote is never closed: what follows it must not become rows of their own
    data = b'name,ladok_uid\nAlva,u-1\n"Nils,u-2\nEbba,u-3\nOlle,u-4\n'
    _, rows = _rows(data, max_row_bytes=20)
    assert rows[0] == {"name": "Alva", "ladok_uid": "u-1"}
    assert len(rows) == 2
    assert isinstance(rows[1], UnreadableRow)
    assert "a quote that is never closed?" in rows[1].reason


def test_windows_1252_is_found_in_the_head_and_a_row_in_another_encoding_fails() -> None:
    headers, rows = _rows("Namn,Betyg\nÅsa Öberg,VG\n".encode("cp1252"))
    assert headers == ["Namn", "Betyg"]
    assert rows == [{"Namn": "Åsa Öberg", "Betyg": "VG"}]
    # the head (64 KiB) is UTF-8: a cp1252 row after it fails, it is not read as something else
    data = b"Namn,Betyg\n" + b"Alva,VG\n" * 9000 + "Åsa,G\n".encode("cp1252") + b"Nils,G\n"
    _, rows = _rows(data)
    assert rows[0] == {"Namn": "Alva", "Betyg": "VG"}
    assert isinstance(rows[9000], UnreadableRow)
    assert rows[9000].reason == "the row is not UTF-8 text (the roster's head is)"
    assert rows[9001] == {"Namn": "Nils", "Betyg": "G"}


def test_a_roster_without_a_header_or_text_is_refused() -> None:
    with pytest.raises(RosterError, match="has no header row"):
        _rows(b"")
    with pytest.raises(RosterError, match="neither UTF-8 nor Windows-1252"):
        _rows(b"name\n\x81\x8d\x8f\n")  # bytes Windows-1252 does not define
    with pytest.raises(RosterError, match="cannot read roster"):
        read_roster("/nonexistent/roster.csv")


def test_unreadable_rows_fail_with_their_reason_and_the_others_are_issued(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    lines = ["name,ladok_uid,grade", "Alva Berg,u-1,VG", f"{'x' * 200},u-2,G", "Nils Holm,u-3,G"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = list(issue_many(read_roster(path, max_row_bytes=100), TEMPLATE, KEY))
    assert [(r.row, r.outcome) for r in results] == [(2, "issued"), (3, "failed"), (4, "issued")]
    assert results[1].error == "unreadable: the row is longer than the limit of 100 bytes"
    assert MAX_ROW_BYTES == 65536


def test_the_identity_table_keeps_the_first_row_of_every_key_through_growth() -> None:
    seen = _Seen(capacity=8)
    for row in range(2, 20_002):
        assert seen.first(f"ladok_uid\0u-{row}", row) == row
    assert len(seen) == 20_000
    for row in range(2, 20_002, 997):
        assert seen.first(f"ladok_uid\0u-{row}", 10**6) == row  # found, not recorded again
    assert len(seen) == 20_000
    assert seen.first("email\0u-5", 7) == 7  # another column's key is another key
