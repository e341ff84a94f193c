"""``microcred seal``: an ELM credential sealed from PEM key and chain files (B-B; B-T with
``--tsa``, refused on loopback unless the network policy allows it), verified by
``microcred verify`` against a trust anchor and against EU trusted lists
(``--trusted-list``, ``--trusted-list-signer``)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.edc._pki import NOW, cert_pem, key_pem
from tests.edc._tsa import LocalTsa, serve_tsa
from tests.edc.test_tl import Lists

from microcred.cli import main

WHEN = NOW + timedelta(days=20)
ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "examples" / "data" / "annex-i-da123a.json"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def lists() -> Lists:
    return Lists()


@pytest.fixture
def files(tmp_path: Path, lists: Lists) -> dict[str, str]:
    from microcred.model import MicroCredential

    micro = MicroCredential.model_validate(json.loads(FORM.read_text()))
    elm = micro.to_elm(issuer_id="urn:epass:org:1", credential_id="urn:credential:1")
    paths = {
        "elm": tmp_path / "elm.json",
        "key": tmp_path / "seal-key.pem",
        "chain": tmp_path / "seal-chain.pem",
        "root": tmp_path / "root.pem",
        "lotl": tmp_path / "lotl.xml",
        "se": tmp_path / "se.xml",
        "lotl-signer": tmp_path / "lotl-signer.pem",
    }
    paths["elm"].write_text(json.dumps(elm), encoding="utf-8")
    paths["key"].write_bytes(key_pem(lists.pki.key))
    paths["chain"].write_bytes(cert_pem(*lists.pki.chain))
    paths["root"].write_bytes(cert_pem(lists.pki.root))
    paths["lotl"].write_bytes(lists.lotl_xml)
    paths["se"].write_bytes(lists.se_xml)
    paths["lotl-signer"].write_bytes(cert_pem(lists.lotl_cert))
    return {name: str(path) for name, path in paths.items()}


def _seal(files: dict[str, str], out: str, capsys: Any, *extra: str) -> tuple[int, str, str]:
    return _run(
        ["seal", files["elm"], "--key", files["key"], "--cert", files["chain"],
         "--signing-time", WHEN.isoformat(), "-o", out, *extra],
        capsys,
    )  # fmt: skip


def test_seal_then_verify_against_the_root(
    files: dict[str, str], tmp_path: Path, capsys: Any
) -> None:
    out = str(tmp_path / "sealed.json")
    code, _, err = _seal(files, out, capsys)
    assert code == 0, err
    assert "(B-B)" in err
    sealed = json.loads(Path(out).read_text())
    assert list(sealed) == ["payload", "signatures"]
    code, stdout, err = _run(
        ["verify", out, "--trust-anchor", files["root"], "--now", WHEN.isoformat()], capsys
    )
    assert code == 0, stdout + err
    assert "VERIFIED (jades credential)" in stdout


def test_verify_with_eu_trusted_lists_says_qualified(
    files: dict[str, str], tmp_path: Path, capsys: Any
) -> None:
    out = str(tmp_path / "sealed.json")
    assert _seal(files, out, capsys)[0] == 0
    code, stdout, err = _run(
        ["verify", out, "--trusted-list", files["lotl"], "--trusted-list", files["se"],
         "--trusted-list-signer", files["lotl-signer"], "--now", WHEN.isoformat()],
        capsys,
    )  # fmt: skip
    assert code == 0, stdout + err
    assert "with a qualified seal per the EU trusted list SE (sequence 7)" in stdout


def test_a_trusted_list_whose_signer_is_not_pinned_is_a_usage_error(
    files: dict[str, str], tmp_path: Path, capsys: Any
) -> None:
    out = str(tmp_path / "sealed.json")
    assert _seal(files, out, capsys)[0] == 0
    code, _, err = _run(["verify", out, "--trusted-list", files["se"]], capsys)
    assert code == 2
    assert "no certificate to check its signature with" in err


def test_seal_with_the_wrong_key_is_refused(
    files: dict[str, str], tmp_path: Path, capsys: Any
) -> None:
    from tests.edc._pki import new_key

    other = tmp_path / "other.pem"
    other.write_bytes(key_pem(new_key()))
    code, _, err = _run(
        ["seal", files["elm"], "--key", str(other), "--cert", files["chain"]], capsys
    )
    assert code == 1
    assert "not the key the seal certificate certifies" in err


def test_tsa_on_loopback_is_refused_by_the_network_policy(
    files: dict[str, str], tmp_path: Path, capsys: Any
) -> None:
    """--tsa is the only network access, under the fetcher's address rules: a TSA on a
    private address is refused before any request."""
    with serve_tsa(LocalTsa()) as url:
        code, _, err = _seal(files, str(tmp_path / "t.json"), capsys, "--tsa", url)
    assert code != 0
    assert "non-public address" in err
    code, _, err = _seal(files, str(tmp_path / "u.json"), capsys, "--content-timestamp")
    assert code == 2
    assert "--content-timestamp needs --tsa" in err
