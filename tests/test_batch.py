"""microcred.batch.issue_many: one credential per roster row, bad rows reported, in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import microcred as mc
from microcred.batch import issue_many, issue_many_dask, learner_from_row, learner_reference

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = json.loads((ROOT / "examples" / "data" / "template-da123a.json").read_text())
KEY = mc.keys.generate("Ed25519")
AT = "2026-06-12T10:00:00Z"


def _row(**overrides: str) -> dict[str, str]:
    row = {
        "name": "Alva Berg",
        "national_id": "19121212-1212",
        "email": "alva@student.example",
        "ladok_uid": "8f0f7c3e-1d2a-11ee-9c5b-0242ac120002",
        "grade": "VG",
        "awarded": "2026-06-10",
    }
    row.update(overrides)
    return row


def test_rows_become_verified_credentials_and_bad_rows_are_reported() -> None:
    rows = [_row(), _row(grade="MVG"), _row(national_id="19121212-1213"), _row(grade="G")]
    results = list(issue_many(rows, TEMPLATE, KEY))
    assert [r.row for r in results] == [2, 3, 4, 5]
    assert [r.ok for r in results] == [True, False, False, True]
    assert "MVG" in (results[1].error or "")
    assert "check digit" in (results[2].error or "")
    for result in (results[0], results[3]):
        assert isinstance(result.credential, dict)
        assert mc.verify(result.credential, profile="eu-microcredential").verified
        assert "19121212" not in json.dumps(result.credential)
        assert result.sha256
        assert len(result.sha256) == 64
    assert results[3].credential["credentialSubject"]["result"][0]["value"] == "G"  # type: ignore[index]


def test_jwt_format_skip_and_workers() -> None:
    rows = [_row(ladok_uid=f"00000000-0000-4000-8000-00000000000{i}") for i in range(4)]
    results = list(issue_many(rows, TEMPLATE, KEY, format="jwt", workers=2, skip=[3]))
    assert [r.row for r in results] == [2, 4, 5]
    assert all(isinstance(r.credential, str) and mc.verify(r.credential).verified for r in results)


def test_closing_the_generator_stops_the_batch() -> None:
    taken = 0

    def roster() -> Iterator[dict[str, str]]:
        nonlocal taken
        for i in range(400):
            taken += 1
            yield _row(ladok_uid=f"00000000-0000-4000-8000-{i:012d}")

    results = issue_many(roster(), TEMPLATE, KEY, workers=2)
    first = [next(results) for _ in range(3)]
    results.close()
    assert [r.row for r in first] == [2, 3, 4]
    # a few chunks were in flight; the rest of the roster was never read
    assert taken < 100
    with pytest.raises(StopIteration):
        next(results)


def test_selective_disclosure_batches_let_each_learner_disclose_the_result_only() -> None:
    key = mc.keys.generate("P-256")
    mandatory = ["/issuer", "/credentialSubject/achievement"]
    results = list(
        issue_many(
            [_row(), _row(grade="G")], TEMPLATE, key, suite="ecdsa-sd-2023",
            mandatory_pointers=mandatory, workers=2,
        )
    )  # fmt: skip
    assert all(r.ok for r in results), [r.error for r in results]
    for result in results:
        assert isinstance(result.credential, dict)
        assert "identifier" in result.credential["credentialSubject"]
        disclosed = mc.derive(result.credential, ["/credentialSubject/result"])
        assert "identifier" not in disclosed["credentialSubject"]  # no hashed identity
        assert disclosed["credentialSubject"]["achievement"]["humanCode"] == "DA123A"
        assert mc.verify(disclosed).verified
    bad = list(
        issue_many([_row()], TEMPLATE, key, suite="ecdsa-sd-2023", mandatory_pointers=["/x"])
    )
    assert "does not match" in (bad[0].error or "")


def test_references_never_hold_personal_numbers() -> None:
    row = _row()
    assert learner_reference(row, 7) == row["ladok_uid"]
    assert learner_reference({"name": "x", "national_id": "19121212-1212"}, 7) == "row-7"
    learner = learner_from_row(row)
    assert learner["national_id"] == {"country": "SE", "value": "19121212-1212"}
    assert [i["scheme"] for i in learner["identifiers"]] == ["Ladok UID"]


def test_misuse_raises() -> None:
    with pytest.raises(ValueError, match="workers"):
        list(issue_many([], TEMPLATE, KEY, workers=0))
    public_only = mc.keys.KeyPair.from_jwk(KEY.public_jwk())
    with pytest.raises(ValueError, match="private"):
        list(issue_many([], TEMPLATE, public_only))


def test_a_seed_makes_batches_reproducible() -> None:
    rows = [_row(ladok_uid=f"00000000-0000-4000-8000-00000000000{i}") for i in range(3)]
    at = "2026-06-12T10:00:00Z"
    first = [r.data for r in issue_many(rows, TEMPLATE, KEY, seed="s", issued_at=at)]
    again = [r.data for r in issue_many(rows, TEMPLATE, KEY, seed="s", issued_at=at, workers=2)]
    assert first == again  # byte for byte
    assert first[0] != first[1]  # each row its own id and salt
    unseeded = [r.data for r in issue_many(rows, TEMPLATE, KEY, issued_at=at)]
    assert unseeded[0] != first[0]
    assert json.loads(first[0])["proof"][0]["created"] == at


def test_dask_local_cluster_gives_the_same_credentials() -> None:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    rows = [_row(ladok_uid=f"00000000-0000-4000-8000-0000000000{i:02d}") for i in range(40)]
    rows[7]["grade"] = "MVG"  # a bad row is reported the same way
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            host="127.0.0.1",
            protocol="tcp://",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = list(
            issue_many_dask(
                rows, TEMPLATE, KEY, client=client, seed="s", issued_at=AT, chunk_size=8
            )
        )
    local = list(issue_many(rows, TEMPLATE, KEY, seed="s", issued_at=AT))
    assert [r.row for r in on_dask] == [r.row for r in local] == list(range(2, 42))
    assert [r.error for r in on_dask] == [r.error for r in local]
    assert [r.data for r in on_dask] == [r.data for r in local]  # identical credentials
    assert all(mc.verify(r.data).verified for r in on_dask if r.ok)
