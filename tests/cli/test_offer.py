"""``microcred offer`` and ``batch-issue --offers`` against a running ``microcred serve
--oid4vci`` (a process on a free loopback port, two workers sharing its store)."""

from __future__ import annotations

import json
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the [server] extra is not installed")

from microcred.cli import main
from microcred.keys import generate
from microcred.oid4vci import UrllibHttp, parse_offer_uri, redeem_offer

from ..test_benchmark_oid4vci import load_benchmark

FORM_PATH = Path(__file__).resolve().parents[2] / "src/microcred/cli/demo_form.json"
FORM: dict[str, Any] = json.loads(FORM_PATH.read_text("utf-8"))


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``microcred serve --oid4vci`` with two workers sharing its store."""
    process, url = load_benchmark().start_service(2)
    try:
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_offer_prints_the_uri_and_the_tx_code(
    server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    qr = tmp_path / "offer.png"
    code, out, _ = _run(
        capsys, "offer", str(FORM_PATH), "--server", server, "--tx-code", "--qr", str(qr)
    )
    assert code == 0
    uri, tx_line = out.splitlines()
    assert uri.startswith("openid-credential-offer://?credential_offer=")
    offer, _ = parse_offer_uri(uri)
    assert offer is not None
    assert offer["credential_issuer"] == server
    assert tx_line.startswith("tx_code: ")
    pin = tx_line.removeprefix("tx_code: ")
    assert pin.isdigit()
    assert qr.read_bytes().startswith(b"\x89PNG")
    # any worker redeems it (the store is shared), with the printed code
    received = redeem_offer(uri, generate("P-256"), http=UrllibHttp(), tx_code=pin)
    assert [r.format for r in received] == ["dc+sd-jwt", "jwt_vc_json", "ldp_vc"]


def test_offer_for_a_roster_row_by_reference(
    server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    template = _template(tmp_path)
    row = tmp_path / "row.json"
    row.write_text(json.dumps({"Namn": "Kim Karlsson", "Betyg": "VG"}))
    code, out, _ = _run(
        capsys, "offer", str(template), "--row", str(row), "--server", server, "--by-reference"
    )
    assert code == 0
    assert out.startswith("openid-credential-offer://?credential_offer_uri=")
    assert "tx_code" not in out
    assert redeem_offer(out.strip(), generate("P-256"), http=UrllibHttp())


def test_a_refused_offer_says_why(
    server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _run(capsys, "offer", str(_template(tmp_path)), "--server", server)
    assert code == 2
    assert out == ""
    assert "invalid_request" in err
    assert "identification of the learner" in err


def test_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "offer", str(FORM_PATH), "--server", "ftp://x")
    assert code == 2
    assert "http(s) URL" in err
    code, _, err = _run(
        capsys, "offer", str(FORM_PATH), "--server", "http://127.0.0.1:9", "--qr", "x.gif"
    )
    assert code == 2
    assert ".png or .svg" in err
    token = tmp_path / "token.txt"
    token.write_text("an-admin-token-of-32-characters!")
    code, _, err = _run(
        capsys,
        "offer",
        str(FORM_PATH),
        "--server",
        "http://192.0.2.1:8080",
        "--token-file",
        str(token),
    )
    assert code == 2
    assert "https only" in err
    code, _, err = _run(capsys, "offer", str(FORM_PATH), "--server", "http://127.0.0.1:9")
    assert code == 2
    assert "cannot reach" in err


def test_batch_issue_offers_one_per_row(
    server: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    roster = (
        "Namn,Ladok UID,Betyg\n"
        "Kim Karlsson,uid-1,G\n"
        "Ada Andersson,uid-2,U\n"
        "Kim Karlsson,uid-1,VG\n"
        "Bo Berg,uid-3,VG\n"
    )
    code, err, out_dir = _batch(
        capsys, tmp_path, roster, "--offers", "--server", server, "--tx-code"
    )
    assert code == 1  # the duplicate learner failed
    assert "row 3: skipped: not a pass" in err
    assert "row 4: no offer: the same learner as row 2" in err
    manifest = out_dir / "offers.jsonl"
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o600  # it holds the transaction codes
    entries = [json.loads(line) for line in manifest.read_text().splitlines()]
    assert [e["row"] for e in entries] == [2, 5]
    assert [e["learner"] for e in entries] == ["uid-1", "uid-3"]
    assert (out_dir / entries[0]["qr"]).read_bytes().startswith(b"\x89PNG")
    received = redeem_offer(
        entries[1]["uri"], generate("P-256"), http=UrllibHttp(), tx_code=entries[1]["tx_code"]
    )
    ldp = next(r.credential for r in received if r.format == "ldp_vc")
    assert ldp["credentialSubject"]["result"][0]["value"] == "VG"


def _template(tmp_path: Path) -> Path:
    template = tmp_path / "template.json"
    template.write_text(json.dumps({k: v for k, v in FORM.items() if k != "learner"}))
    return template


def _batch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, roster_text: str, *extra: str
) -> tuple[int, str, Path]:
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_text, encoding="utf-8")
    out_dir = tmp_path / "out"
    code, _, err = _run(
        capsys,
        "batch-issue",
        str(roster),
        "--template",
        str(_template(tmp_path)),
        "--out-dir",
        str(out_dir),
        *extra,
    )
    return code, err, out_dir


def test_batch_issue_needs_a_key_without_offers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, err, _ = _batch(capsys, tmp_path, "Namn,Betyg\nKim,G\n")
    assert code == 2
    assert "--key" in err
    code, err, _ = _batch(capsys, tmp_path, "Namn,Betyg\nKim,G\n", "--offers")
    assert code == 2
    assert "--server" in err
