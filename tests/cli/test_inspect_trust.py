"""Issue 24 for ``microcred inspect``: it reads a credential without verifying it, so it never
shows the issuer as confirmed. The awarding body is marked self-asserted, a line says that the
issuer is not confirmed because nothing was verified, and ``--json`` carries
``"trust": {"issuer": "unconfirmed", ...}`` in the shape ``verify --json`` uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import microcred as mc
from microcred.cli import main
from microcred.model import MicroCredential

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "examples" / "data" / "annex-i-da123a.json"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    """The example micro-credential signed by a did:key issuer that calls itself
    Exempeluniversitetet (anyone can make one with ``microcred keygen``)."""
    key = mc.keys.generate("Ed25519")
    form = json.loads(FORM.read_text(encoding="utf-8"))
    unsigned = MicroCredential.model_validate(form).to_ob3(issuer_id=key.did).to_json()
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(mc.issue(unsigned, key), ensure_ascii=False), encoding="utf-8")
    return path


def test_inspect_says_the_issuer_is_not_confirmed_because_nothing_was_verified(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["inspect", str(signed)], capsys)
    assert code == 0
    lines = out.splitlines()
    issuer = [line for line in lines if line.startswith("issuer:")]
    assert len(issuer) == 1, out
    assert issuer[0].startswith("issuer: not confirmed (self-asserted)")
    assert "nothing was verified" in issuer[0]
    assert "confirmed by" not in out  # never a self-asserted name shown as confirmed
    awarding = [line for line in lines if "awarding body" in line]
    assert len(awarding) == 1
    assert "Exempeluniversitetet (self-asserted)" in awarding[0]


def test_inspect_json_carries_an_unconfirmed_trust_answer(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["inspect", "--json", str(signed)], capsys)
    assert code == 0
    record = json.loads(out)
    trust = record["trust"]
    assert trust["issuer"] == "unconfirmed"
    assert trust["by"] is None
    assert trust["name"] is None
    assert trust["source"] is None
    assert "nothing was verified" in trust["reason"]
    assert record["elements"]["awarding body"] == "Exempeluniversitetet"  # the credential's own


def test_inspect_of_an_unsigned_annex_i_form_is_unconfirmed_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(["inspect", "--json", str(FORM)], capsys)
    assert code in (0, 1)
    assert json.loads(out)["trust"]["issuer"] == "unconfirmed"


def test_inspect_takes_no_trust_options_since_it_verifies_nothing(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["inspect", str(signed), "--trusted-issuers", "list.json"])
    assert code == 2  # a usage error: verify, not inspect, confirms issuers
    assert "unrecognized arguments: --trusted-issuers" in capsys.readouterr().err
