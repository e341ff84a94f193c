"""``microcred status revoke|suspend|unsuspend``: the list is changed, re-signed and written in
place, and ``microcred verify --status-list URL=FILE`` then reports the credential's status."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

import microcred as mc
from microcred import keys, status
from microcred.cli import main

VC_V2 = "https://www.w3.org/ns/credentials/v2"
REVOKE_URL = "https://uni.example/status/da123a/revocation"
SUSPEND_URL = "https://uni.example/status/da123a/suspension"
NAMES = ["Alva Berg", "Nils Holm", "Maja Lind"]


@pytest.fixture
def issued(tmp_path: Path) -> dict[str, Any]:
    """Three credentials with status entries at random indexes (the third as a JWT), the two
    signed lists, a key file and a manifest as batch-issue writes them."""
    key = keys.generate("Ed25519")
    key_file = tmp_path / "issuer-key.json"
    key_file.write_text(json.dumps(key.private_jwk()))
    used: set[int] = set()
    files, lines = [], []
    for n, name in enumerate(NAMES):
        index = status.allocate_index(used)
        used.add(index)
        credential = {
            "@context": [VC_V2],
            "id": f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
            "type": ["VerifiableCredential"],
            "issuer": key.did,
            "validFrom": "2026-06-10T00:00:00Z",
            "credentialSubject": {"id": f"did:example:learner{n}", "name": name},
            "credentialStatus": status.status_entries(index, REVOKE_URL, SUSPEND_URL),
        }
        path = tmp_path / f"cred{n + 1}.{'jwt' if n == 2 else 'json'}"
        if n == 2:
            path.write_text(mc.issue(credential, key, format="jwt", jwt_form="vc+jwt") + "\n")
        else:
            path.write_text(json.dumps(mc.issue(credential, key)))
        files.append(path)
        row = n + 2
        lines.append({"row": row, "learner": f"row-{row}", "file": path.name,
                      "credential_id": credential["id"], "status_index": index})  # fmt: skip
    (tmp_path / "manifest.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    revocation = tmp_path / "status-list.json"
    suspension = tmp_path / "suspension-list.json"
    revocation.write_text(
        json.dumps(status.signed_status_list(REVOKE_URL, key, purpose="revocation"))
    )
    suspension.write_text(
        json.dumps(status.signed_status_list(SUSPEND_URL, key, purpose="suspension"))
    )
    return {"dir": tmp_path, "key": key_file, "files": files, "lines": lines,
            "revocation": revocation, "suspension": suspension}  # fmt: skip


def _verify(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, Any]]]:
    capsys.readouterr()
    code = main(
        [
            "verify",
            "--json",
            "--status-list",
            f"{REVOKE_URL}={issued['revocation']}",
            "--status-list",
            f"{SUSPEND_URL}={issued['suspension']}",
            *[str(p) for p in issued["files"]],
        ]
    )
    return code, [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def _status(*args: str) -> int:
    return main(["status", *args])


def test_revoke_a_row_suspend_and_unsuspend_end_to_end(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, reports = _verify(issued, capsys)
    assert (code, [r["outcome"] for r in reports]) == (0, ["verified"] * 3)

    key, revocation, suspension = issued["key"], issued["revocation"], issued["suspension"]
    assert _status("revoke", "--list", str(revocation), "--key", str(key), "--row", "3") == 0
    out = capsys.readouterr().out
    index = issued["lines"][1]["status_index"]
    assert f"row 3 (index {index}): revoked" in out
    assert REVOKE_URL in out
    code, reports = _verify(issued, capsys)
    assert code == 1
    assert [r["outcome"] for r in reports] == ["verified", "invalid", "verified"]
    failed = [c for c in reports[1]["checks"] if c["status"] == "failed"]
    assert [c["id"] for c in failed] == ["status"]
    assert "revoked" in failed[0]["message"]

    third = str(issued["files"][2])  # a JWT
    assert (
        _status("suspend", "--list", str(suspension), "--key", str(key), "--credential", third) == 0
    )
    code, reports = _verify(issued, capsys)
    assert [r["outcome"] for r in reports] == ["verified", "invalid", "invalid"]
    assert any("suspended" in c["message"] for c in reports[2]["checks"] if c["status"] == "failed")

    third_index = str(issued["lines"][2]["status_index"])
    assert (
        _status("unsuspend", "--list", str(suspension), "--key", str(key), "--index", third_index)
        == 0
    )
    code, reports = _verify(issued, capsys)
    assert (code, [r["outcome"] for r in reports]) == (1, ["verified", "invalid", "verified"])


def test_revoking_twice_says_so_and_unrevoking_does_not_exist(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["revoke", "--list", str(issued["revocation"]), "--key", str(issued["key"])]
    assert _status(*args, "--row", "2") == 0
    before = issued["revocation"].read_bytes()
    capsys.readouterr()
    assert _status(*args, "--credential", str(issued["files"][0])) == 0
    assert "already revoked" in capsys.readouterr().out
    assert issued["revocation"].read_bytes() == before
    assert main(["status", "unrevoke", "--list", "x", "--key", "y", "--index", "1"]) == 2


def test_the_list_is_replaced_in_place_keeping_its_permissions(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    revocation: Path = issued["revocation"]
    os.chmod(revocation, 0o640)
    before = json.loads(revocation.read_text())
    assert (
        _status("revoke", "--list", str(revocation), "--key", str(issued["key"]), "--index", "5")
        == 0
    )
    after = json.loads(revocation.read_text())
    assert stat.S_IMODE(revocation.stat().st_mode) == 0o640
    assert (after["id"], after["issuer"]) == (before["id"], before["issuer"])
    assert after["proof"] != before["proof"]
    assert status.read_status_list(after).get(5) == 1
    assert mc.verify(after).verified
    assert sorted(p.name for p in revocation.parent.iterdir() if p.name.startswith(".")) == []


def test_wrong_purpose_key_index_or_row_is_a_usage_error(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    key, revocation, suspension = (
        str(issued["key"]),
        str(issued["revocation"]),
        str(issued["suspension"]),
    )
    cases = [
        (["suspend", "--list", revocation, "--key", key, "--index", "1"], "suspension list"),
        (["revoke", "--list", suspension, "--key", key, "--index", "1"], "needs a revocation list"),
        (["revoke", "--list", revocation, "--key", key, "--index", str(status.MIN_LIST_BITS)],
         "outside the list"),
        (["revoke", "--list", revocation, "--key", key, "--row", "99"], "row 99 is not in"),
        (["revoke", "--list", revocation, "--key", key, "--index", "1", "--manifest", "m"],
         "--manifest goes with --row"),
        (["revoke", "--list", key, "--key", key, "--index", "1"], "not a Bitstring Status List"),
        (["revoke", "--list", revocation, "--key", key, "--credential", revocation],
         "no status entry in the list"),
    ]  # fmt: skip
    for args, message in cases:
        assert _status(*args) == 2, args
        assert message in capsys.readouterr().err, args
    other = issued["dir"] / "other-key.json"
    other.write_text(json.dumps(keys.generate("Ed25519").private_jwk()))
    assert _status("revoke", "--list", revocation, "--key", str(other), "--index", "1") == 2
    assert "not by the key's controller" in capsys.readouterr().err


def test_a_row_issued_without_a_status_entry_is_named(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = issued["dir"] / "elsewhere.jsonl"
    manifest.write_text(json.dumps({"row": 7, "learner": "row-7", "file": "x.json"}) + "\n")
    args = ["revoke", "--list", str(issued["revocation"]), "--key", str(issued["key"])]
    assert _status(*args, "--row", "7", "--manifest", str(manifest)) == 2
    assert "row 7" in capsys.readouterr().err


def test_a_tampered_list_is_not_re_signed(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    revocation: Path = issued["revocation"]
    listed = status.update_status(
        json.loads(revocation.read_text()),
        9,
        True,
        keys.KeyPair.from_private_jwk_bytes(issued["key"].read_bytes()),
    )
    listed["credentialSubject"]["encodedList"] = status.Bitstring.new().encode()  # bit 9 cleared
    revocation.write_text(json.dumps(listed))
    before = revocation.read_bytes()
    assert (
        _status("revoke", "--list", str(revocation), "--key", str(issued["key"]), "--index", "4")
        == 1
    )
    err = capsys.readouterr().err
    assert "does not verify" in err
    assert "proof" in err
    assert revocation.read_bytes() == before


def test_output_and_lists_carry_no_personal_data(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--list", str(issued["revocation"]), "--key", str(issued["key"])]
    assert _status("revoke", *args, "--credential", str(issued["files"][1])) == 0
    assert _status("revoke", *args, "--row", "2") == 0
    captured = capsys.readouterr()
    texts = [
        captured.out,
        captured.err,
        issued["revocation"].read_text(),
        issued["suspension"].read_text(),
    ]
    for name in NAMES:
        for given in name.split():
            assert not any(given in text for text in texts)
    for text in texts[2:]:
        assert "learner" not in text
        assert "urn:uuid" not in text


def test_unreadable_lists_are_usage_errors_without_a_traceback(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = json.loads(issued["revocation"].read_text())
    bomb["credentialSubject"]["encodedList"] = status.encode_list(bytes(50_000_000))
    jwt = mc.issue(
        status.status_list_credential(
            keys.KeyPair.from_private_jwk_bytes(issued["key"].read_bytes()).did,
            REVOKE_URL,
            status.Bitstring.new(),
        ),
        keys.KeyPair.from_private_jwk_bytes(issued["key"].read_bytes()),
        format="jwt",
    )
    contents = [
        b"\xff\xfe",
        b"[]",
        b"{}",
        b'{"a": 1, "a": 2}',
        json.dumps(bomb).encode(),
        jwt.encode(),
    ]
    for n, data in enumerate(contents):
        path = issued["dir"] / f"junk-{n}.json"
        path.write_bytes(data)
        code = _status("revoke", "--list", str(path), "--key", str(issued["key"]), "--index", "1")
        err = capsys.readouterr().err
        assert code == 2, data[:20]
        assert "Traceback" not in err
        assert "internal error" not in err
        assert path.read_bytes() == data
    assert _status("revoke", "--list", str(issued["dir"] / "missing.json"), "--key",
                   str(issued["key"]), "--index", "1") == 2  # fmt: skip
    assert "cannot read" in capsys.readouterr().err


def test_help_names_the_actions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(action in out for action in ("revoke", "suspend", "unsuspend"))
    assert main(["status"]) == 2
    assert main(["status", "revoke", "--list", "l.json", "--key", "k.json"]) == 2  # no entry


def test_verify_reads_a_list_url_with_a_query(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--status-list URL=FILE`` where the URL has ``=`` in its query (``?timestamp=``)."""
    key = keys.KeyPair.from_private_jwk_bytes(issued["key"].read_bytes())
    url = "https://uni.example/status/1?timestamp=2026-06-10T00:00:00Z"
    listed = issued["dir"] / "list=1.json"
    listed.write_text(
        json.dumps(status.signed_status_list(url, key, purpose="revocation", set_indexes=[4]))
    )
    for index, outcome in ((4, "invalid"), (5, "verified")):
        credential = mc.issue(
            {
                "@context": [VC_V2],
                "type": ["VerifiableCredential"],
                "issuer": key.did,
                "credentialSubject": {"id": "did:example:learner"},
                "credentialStatus": status.status_entry(url, index),
            },
            key,
        )
        path = issued["dir"] / f"query-{index}.json"
        path.write_text(json.dumps(credential))
        capsys.readouterr()
        main(["verify", "--json", "--status-list", f"{url}={listed}", str(path)])
        assert json.loads(capsys.readouterr().out)["outcome"] == outcome


def test_a_list_being_changed_is_not_changed_twice_at_once(
    issued: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    fcntl = pytest.importorskip("fcntl")
    folder = os.open(issued["dir"], os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)  # another status command at work
        args = ["revoke", "--list", str(issued["revocation"]), "--key", str(issued["key"])]
        before = issued["revocation"].read_bytes()
        assert _status(*args, "--index", "1") == 2
        assert "another status command" in capsys.readouterr().err
        assert issued["revocation"].read_bytes() == before
    finally:
        os.close(folder)
    assert _status(*args, "--index", "1") == 0
