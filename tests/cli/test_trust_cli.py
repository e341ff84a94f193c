"""``microcred verify --trusted-issuers FILE --registry [NAME=]FILE`` (issue 24): the trust line
under the verdict, the ``trust`` member of ``--json``, and hostile source files as usage
errors (exit 2, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests._credentials import badge

import microcred as mc
from microcred import keys
from microcred.cli import main

CREATED = "2026-06-01T10:00:00Z"
NOW = "2026-12-01T00:00:00Z"
KEY = keys.generate("Ed25519")
WEB = keys.generate("Ed25519", controller="did:web:uni.example")
SELF_ASSERTED = (
    "issuer name not confirmed: self-asserted; the key is not linked to a domain or a trust list"
)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "key": tmp_path / "key.json",
        "web": tmp_path / "web.json",
        "doc": tmp_path / "did.json",
        "list": tmp_path / "uhr.json",
        "registry": tmp_path / "registry.json",
    }
    paths["key"].write_text(json.dumps(mc.issue(badge(KEY.did), KEY, created=CREATED)))
    paths["web"].write_text(
        json.dumps(mc.issue(badge("did:web:uni.example"), WEB, created=CREATED))
    )
    paths["doc"].write_text(json.dumps(keys.publishable_document([WEB])))
    paths["list"].write_text(
        json.dumps(
            {
                "name": "UHR",
                "issuers": [{"id": KEY.did, "name": "Exempeluniversitetet"}],
            }
        )
    )
    paths["registry"].write_text(
        json.dumps(
            {
                "meta": {"created": "2026-01-01T00:00:00Z"},
                "registry": {KEY.did: {"name": "Riktiga Universitetet", "url": "https://x"}},
            }
        )
    )
    return paths


def test_a_did_key_issuer_is_unconfirmed(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["verify", str(files["key"]), "--now", NOW], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("VERIFIED (data-integrity credential)")
    assert lines[1] == f"  {SELF_ASSERTED}"
    code, out, _ = _run(["verify", str(files["key"]), "--now", NOW, "--json"], capsys)
    assert json.loads(out)["trust"] == {
        "issuer": "unconfirmed",
        "by": None,
        "name": None,
        "source": None,
        "reason": SELF_ASSERTED.removeprefix("issuer name not confirmed: "),
    }


def test_a_did_web_issuer_with_its_did_document_is_confirmed_by_domain(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["verify", str(files["web"]), "--now", NOW, "--controller-doc", str(files["doc"])]
    code, out, _ = _run(args, capsys)
    assert code == 0
    assert out.splitlines()[1] == "  issuer confirmed by domain: uni.example (uni.example)"
    assert "warning: trust.name:" in out
    code, out, _ = _run([*args, "--json"], capsys)
    trust = json.loads(out)["trust"]
    assert trust == {
        "issuer": "confirmed",
        "by": "domain",
        "name": "uni.example",
        "source": "uni.example",
    }


def test_an_issuer_on_the_trust_list_is_confirmed_with_the_lists_name(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["verify", str(files["key"]), "--now", NOW, "--trusted-issuers", str(files["list"])]
    code, out, _ = _run(args, capsys)
    assert code == 0
    assert out.splitlines()[1] == "  issuer confirmed by list: Exempeluniversitetet (UHR)"
    assert "warning" not in out


def test_an_issuer_in_a_registry_file_is_confirmed_and_a_mismatching_name_warns(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    registry = f"DCC Sandbox Registry={files['registry']}"
    args = ["verify", str(files["key"]), "--now", NOW, "--registry", registry, "--json"]
    code, out, _ = _run(args, capsys)
    assert code == 0
    record = json.loads(out)
    assert record["trust"] == {
        "issuer": "confirmed",
        "by": "registry",
        "name": "Riktiga Universitetet",
        "source": "DCC Sandbox Registry",
    }
    assert [w["id"] for w in record["warnings"]] == ["trust.name"]
    assert record["verified"] is True  # the warning changes nothing of the outcome
    # a bare file: named by the file
    code, out, _ = _run(
        ["verify", str(files["key"]), "--now", NOW, "--registry", str(files["registry"])], capsys
    )
    assert "issuer confirmed by registry: Riktiga Universitetet (registry.json)" in out


def test_an_invalid_credential_is_never_confirmed(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tampered = json.loads(files["key"].read_text())
    tampered["name"] = "Advanced Swedish"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(tampered))
    args = ["verify", str(path), "--now", NOW, "--trusted-issuers", str(files["list"]), "--json"]
    code, out, _ = _run(args, capsys)
    assert code == 1
    assert json.loads(out)["trust"]["issuer"] == "unconfirmed"


@pytest.mark.parametrize(
    ("option", "content", "words"),
    [
        ("--trusted-issuers", b"not json at all", "not JSON"),
        ("--trusted-issuers", b'{"issuers": [{"id": 7, "name": "x"}]}', "id"),
        ("--registry", b'{"registry": {"did:key:z": "just a name"}}', "not an object"),
        ("--registry", b"[]", "registry"),
    ],
)
def test_a_tampered_source_file_is_a_usage_error(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    content: bytes,
    words: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, out, err = _run(["verify", str(files["key"]), option, str(bad)], capsys)
    assert code == 2
    assert words in err
    assert "Traceback" not in err
    assert out == ""


def test_a_missing_source_file_is_a_usage_error(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        ["verify", str(files["key"]), "--registry", str(tmp_path / "absent.json")], capsys
    )
    assert code == 2
    assert "cannot be read" in err


def test_worker_processes_use_the_same_trust_sources(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [str(files["key"])] * 8  # eight inputs: verified in --jobs processes
    args = ["verify", *paths, "--now", NOW, "--json", "--jobs", "2"]
    code, out, _ = _run([*args, "--trusted-issuers", str(files["list"])], capsys)
    assert code == 0
    answers = [json.loads(line)["trust"] for line in out.splitlines()]
    assert (
        answers
        == [{"issuer": "confirmed", "by": "list", "name": "Exempeluniversitetet", "source": "UHR"}]
        * 8
    )


def test_each_credential_of_a_presentation_has_its_trust_line(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = keys.generate("Ed25519")
    inner = [json.loads(files["key"].read_text()), json.loads(files["web"].read_text())]
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(mc.present(inner, holder, challenge="c-1")))
    args = ["verify", str(path), "--now", NOW, "--controller-doc", str(files["doc"])]
    _, out, _ = _run(args, capsys)
    lines = out.splitlines()
    first = lines.index("  credential 1: VERIFIED (data-integrity)")
    assert lines[first + 1] == f"    {SELF_ASSERTED}"
    second = lines.index("  credential 2: VERIFIED (data-integrity)")
    assert lines[second + 1] == "    issuer confirmed by domain: uni.example (uni.example)"
