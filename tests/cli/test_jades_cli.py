"""``microcred verify`` detects JAdES-sealed credentials (``--trust-anchor`` PEM or DER, the
seal and level lines, ``--json``), and ``microcred inspect`` shows the seal's holder,
certificate and time without verifying."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from asn1crypto import pem
from tests.edc._samples import ANNEX, LTA, anchors, load

from microcred.cli import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def anchor_files(tmp_path: Path, shared_standards: Path) -> list[str]:
    """The Annex sample's anchors: the seal chain's top as PEM, the TSA root as DER."""
    seal_top, tsa_root = anchors(load(shared_standards, ANNEX), ANNEX)
    first, second = tmp_path / "seal-ca.pem", tmp_path / "tsa-root.der"
    first.write_bytes(pem.armor("CERTIFICATE", seal_top))
    second.write_bytes(tsa_root)
    return ["--trust-anchor", str(first), "--trust-anchor", str(second)]


def test_verify_prints_the_seal_and_the_level(
    anchor_files: list[str], shared_standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(shared_standards / ANNEX)
    code, out, err = _run(["verify", path, *anchor_files, "--now", "2023-09-28T00:00:00Z"], capsys)
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0] == f"{path}: VERIFIED (jades credential)"
    assert "  seal: sealed by ORGANIZACION TEST (ES), qualified certificate (QcCompliance)" in lines
    assert any(
        line.endswith("time-stamped 2023-09-27T11:54:20Z; JAdES level: B-LTA") for line in lines
    )
    assert "ok   jades.arcTst" in out


def test_verify_json_carries_the_level_and_the_seal(
    anchor_files: list[str], shared_standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(shared_standards / ANNEX)
    args = ["verify", path, *anchor_files, "--now", "2023-09-28T00:00:00Z", "--json"]
    code, out, _ = _run(args, capsys)
    assert code == 0
    record = json.loads(out)
    assert (record["format"], record["jades_level"]) == ("jades", "B-LTA")
    assert record["seal"]["holder"] == "ORGANIZACION TEST"
    assert record["seal"]["qc_types"] == ["eseal"]


def test_without_anchors_it_is_indeterminate_and_a_batch_goes_on(
    shared_standards: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"payload": "{}", "signatures": [{"protected": "e30"}]}))
    args = ["verify", str(shared_standards / LTA), str(broken), str(shared_standards / ANNEX)]
    code, out, err = _run([*args, "--now", "2023-09-28T00:00:00Z"], capsys)
    assert code == 1
    assert out.count("INDETERMINATE (jades") == 2
    assert "Traceback" not in out + err


def test_a_file_that_is_no_certificate_is_a_usage_error(
    tmp_path: Path, shared_standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "anchor.der"
    bad.write_bytes(b"\x30\x03\x02\x01\x00")
    code, _, err = _run(
        ["verify", str(shared_standards / ANNEX), "--trust-anchor", str(bad)], capsys
    )
    assert code == 2
    assert "not a PEM certificate (nor a DER one)" in err


def test_inspect_shows_the_seal_unverified(
    shared_standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(shared_standards / ANNEX)
    _, out, _ = _run(["inspect", path], capsys)
    assert "  JAdES seal (not verified; see verify): sealed by ORGANIZACION TEST (ES)" in out
    assert "    signing time: 2023-09-27T11:54:17Z" in out
    assert "title of the micro-credential" in out
    assert "Digital micro-credential creation" in out
    _, out, _ = _run(["inspect", path, "--json"], capsys)
    record = json.loads(out)
    assert record["seal"]["verified"] is False
    assert record["seal"]["certificate_serial"] == "3378f4d568b289fb8ed0c03"
    assert record["trust"]["issuer"] == "unconfirmed"
