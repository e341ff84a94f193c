"""microcred.batch.issue_many: one credential per roster row, bad rows reported, in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microcred as mc
from microcred.batch import (
    Columns,
    RosterError,
    StatusLists,
    issue_many,
    issue_many_dask,
    learner_from_row,
    learner_reference,
    recognise_columns,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = json.loads((ROOT / "examples" / "data" / "template-da123a.json").read_text())
KEY = mc.keys.generate("Ed25519")
AT = "2026-06-12T10:00:00Z"


_SERIAL = iter(range(1, 1000))


def _personal_number(serial: int) -> str:
    """A well-formed personal number of an invented learner born 1990-01-01 (one per serial)."""
    nine = f"900101{serial:03d}"
    total = sum(
        (int(c) * (2 - i % 2)) // 10 + (int(c) * (2 - i % 2)) % 10 for i, c in enumerate(nine)
    )
    return f"19{nine[:6]}-{nine[6:]}{(10 - total % 10) % 10}"


def _row(**overrides: str) -> dict[str, str]:
    """A roster row of a learner no other ``_row()`` has (unless overridden)."""
    serial = next(_SERIAL)
    row = {
        "name": "Alva Berg",
        "national_id": _personal_number(serial),
        "email": f"alva.{serial}@student.example",
        "ladok_uid": f"8f0f7c3e-1d2a-11ee-9c5b-{serial:012d}",
        "grade": "VG",
        "awarded": "2026-06-10",
    }
    row.update(overrides)
    return row


def test_rows_become_verified_credentials_and_bad_rows_are_reported() -> None:
    rows = [_row(), _row(grade="MVG"), _row(national_id="19121212-1213"), _row(grade="G")]
    assert rows[0]["national_id"] != rows[3]["national_id"]
    results = list(issue_many(rows, TEMPLATE, KEY))
    assert [r.row for r in results] == [2, 3, 4, 5]
    assert [r.ok for r in results] == [True, False, False, True]
    assert "MVG" in (results[1].error or "")
    assert "check digit" in (results[2].error or "")
    for result in (results[0], results[3]):
        assert isinstance(result.credential, dict)
        assert mc.verify(result.credential, profile="eu-microcredential").verified
        assert "19900101" not in json.dumps(result.credential)
        assert result.sha256
        assert len(result.sha256) == 64
    assert results[3].credential["credentialSubject"]["result"][0]["value"] == "G"  # type: ignore[index]


def test_jwt_format_skip_and_workers() -> None:
    rows = [_row() for _ in range(4)]
    results = list(issue_many(rows, TEMPLATE, KEY, format="jwt", workers=2, skip=[3]))
    assert [r.row for r in results] == [2, 4, 5]
    assert all(isinstance(r.credential, str) and mc.verify(r.credential).verified for r in results)


def test_closing_the_generator_stops_the_batch() -> None:
    taken = 0

    def roster() -> Iterator[dict[str, str]]:
        nonlocal taken
        for i in range(400):
            taken += 1
            yield _row(ladok_uid=f"00000000-0000-4000-8000-{i:012d}", national_id="",
                       email=f"learner{i}@student.example")  # fmt: skip

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
    assert learner["national_id"] == {"country": "SE", "value": row["national_id"]}
    assert [i["scheme"] for i in learner["identifiers"]] == ["Ladok UID"]


def test_misuse_raises() -> None:
    with pytest.raises(ValueError, match="workers"):
        list(issue_many([], TEMPLATE, KEY, workers=0))
    public_only = mc.keys.KeyPair.from_jwk(KEY.public_jwk())
    with pytest.raises(ValueError, match="private"):
        list(issue_many([], TEMPLATE, public_only))


def test_a_seed_makes_batches_reproducible() -> None:
    rows = [_row() for _ in range(3)]
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
    rows = [_row() for _ in range(40)]
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


def test_dask_workers_load_the_key_once_and_forget_it_when_the_batch_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Many chunks, one key load a worker process (here two workers sharing this process's
    modules: at most one load each), and no job left on the workers afterwards."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    from microcred import batch
    from microcred.keys import KeyPair

    loads: list[str] = []
    original = KeyPair.from_jwk

    def counted(jwk: dict[str, object]) -> KeyPair:
        loads.append("load")
        return original(jwk)

    monkeypatch.setattr(KeyPair, "from_jwk", staticmethod(counted))
    rows = [_row() for _ in range(120)]
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                 host="127.0.0.1", protocol="tcp://",
                                 dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):  # fmt: skip
        results = list(issue_many_dask(rows, TEMPLATE, KEY, client=client, chunk_size=8))
        left = client.run(lambda: len(batch._DASK_JOBS))
    assert [r.row for r in results] == list(range(2, 122))
    assert all(r.ok for r in results)
    assert 1 <= len(loads) <= 2  # 15 chunks or more, not a load each
    assert set(left.values()) == {0}


def test_dask_chunks_keep_row_order_and_end_small() -> None:
    """Chunks grow with the rows read and, once the roster ends, shrink to 16 rows, so that
    no worker waits long for another's last chunk; every row once, in order."""
    from microcred.batch import _dask_chunks, _Item

    for count, threads in ((1, 1), (15, 2), (100, 2), (4000, 2), (50_000, 8)):
        items = [_Item(n, {}) for n in range(count)]
        chunks = list(_dask_chunks(iter(items), threads, 1024))
        assert [i for chunk in chunks for i in chunk] == items
        sizes = [len(chunk) for chunk in chunks]
        assert max(sizes) <= 1024
        assert min(sizes) >= 1
        if count >= 4000:
            assert max(sizes) >= 4 * 32  # grown: few tasks for a long roster
            assert sizes[-1] <= 16
            assert sizes[-2 * threads] <= 32


def test_a_batch_job_whose_key_is_loaded_still_pickles() -> None:
    """A worker may hand a job to another process after signing with it: the loaded key (a
    ``cryptography`` object pickle refuses with TypeError) stays behind, the JWK travels."""
    import pickle

    from microcred.batch import _Job

    job = _Job(TEMPLATE, KEY.private_jwk(), {})
    assert job.signing_key().did == KEY.did
    copy = pickle.loads(pickle.dumps(job))
    assert copy.key is None
    assert copy.signing_key().did == KEY.did


def test_a_distributed_cluster_of_separate_processes_gives_byte_identical_output(
    tmp_path: Path,
) -> None:
    """A scheduler and two workers, each its own process started as an operator would
    (``python -m dask scheduler`` / ``dask worker``) on loopback: the same credentials, byte
    for byte, as issue_many in this process."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    import os
    import subprocess
    import sys

    address_file = tmp_path / "scheduler.json"
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    common = {"env": environment, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(address_file)],
            **common,  # type: ignore[call-overload]
        )
    ]  # fmt: skip
    try:
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "dask", "worker", "--scheduler-file",
                     str(address_file), "--host", "127.0.0.1", "--nthreads", "1",
                     "--no-dashboard", "--no-nanny", "--death-timeout", "60"],
                    **common,  # type: ignore[call-overload]
                )
            )  # fmt: skip
        with distributed.Client(scheduler_file=str(address_file), timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
            assert len(client.scheduler_info()["workers"]) == 2
            rows = [_row() for _ in range(60)]
            rows[9]["grade"] = "MVG"
            rows[30]["national_id"] = rows[2]["national_id"]  # the same learner twice
            on_dask = list(
                issue_many_dask(rows, TEMPLATE, KEY, client=client, seed="s", issued_at=AT,
                                chunk_size=8)  # many chunks a worker
            )  # fmt: skip
            pids = client.run(os.getpid)
            left = client.run(lambda: __import__("microcred.batch").batch._DASK_JOBS.copy())
        assert len(set(pids.values())) == 2
        assert os.getpid() not in pids.values()
        assert list(left.values()) == [{}, {}]  # the key is not kept once the batch ends
    finally:
        for process in processes:  # a test cluster needs no graceful shutdown
            process.kill()
            process.wait(timeout=30)
    local = list(issue_many(rows, TEMPLATE, KEY, seed="s", issued_at=AT, workers=2))
    assert [r.row for r in on_dask] == [r.row for r in local] == list(range(2, 62))
    assert [r.error for r in on_dask] == [r.error for r in local]
    assert [r.outcome for r in on_dask].count("failed") == 2
    assert [r.data for r in on_dask] == [r.data for r in local]  # byte-identical credentials


def _outcomes(results: list[mc.batch.RowResult]) -> dict[int, str]:
    return {r.row: r.outcome for r in results}


def test_roster_rules_never_issue_a_row_silently_wrong() -> None:
    """Every rule on one roster (U/G/VG): exactly these rows issued, skipped and failed, each
    message naming the reason."""
    first = _row()
    rows = [
        first,  # 2 issued
        _row(grade=""),  # 3 blank grade: never the template's G
        _row(grade="U"),  # 4 not a pass: skipped
        _row(grade="vg"),  # 5 lowercase: issued as VG
        _row(national_id=first["national_id"].replace("-", "")[2:]),  # 6 the same learner
        _row(ladok_uid=first["ladok_uid"].upper()),  # 7 the same learner (Ladok UID)
        _row(name=""),  # 8 blank name
        _row(awarded="10/06/2026"),  # 9 not an ISO 8601 date
        _row(grade="g", awarded="2026-06-09T15:00:00+02:00"),  # 10 a date-time: its date
    ]
    results = list(issue_many(rows, TEMPLATE, KEY))
    assert _outcomes(results) == {
        2: "issued", 3: "failed", 4: "skipped", 5: "issued", 6: "failed", 7: "failed",
        8: "failed", 9: "failed", 10: "issued",
    }  # fmt: skip
    why = {r.row: r.error or r.skipped or "" for r in results}
    assert why[3] == "the grade cell is blank (the template's grade is never used in its place)"
    assert why[4] == "grade U is not a pass on the U/G/VG scale"
    assert (
        why[6]
        == "the same learner as row 2 (the same personal number): a learner is not issued twice"
    )
    assert why[7].startswith("the same learner as row 2 (the same Ladok UID)")
    assert why[8] == "the learner's name is blank"
    assert "awarded '10/06/2026' is not a date" in why[9]
    assert "ÅÅÅÅ-MM-DD" in why[9]
    assert all(first["national_id"][:8] not in text for text in why.values())
    issued = {r.row: r.credential for r in results if r.ok}
    grades = {n: c["credentialSubject"]["result"][0]["value"] for n, c in issued.items()}  # type: ignore[index]
    assert grades == {2: "VG", 5: "VG", 10: "G"}
    assert all(mc.verify(c, profile="eu-microcredential").verified for c in issued.values())


def test_failing_results_on_the_a_to_f_scale_are_skipped_unless_asked_for() -> None:
    template = {**TEMPLATE, "grade": {"scale": "A-F"}}
    rows = [_row(grade="A"), _row(grade="Fx"), _row(grade="f"), _row(grade="e")]
    results = list(issue_many(rows, template, KEY))
    assert _outcomes(results) == {2: "issued", 3: "skipped", 4: "skipped", 5: "issued"}
    assert results[1].skipped == "grade FX is not a pass on the A-F scale"
    forced = list(issue_many(rows, template, KEY, include_failing=True))
    assert [r.outcome for r in forced] == ["issued"] * 4
    values = [r.credential["credentialSubject"]["result"][0]["value"] for r in forced]  # type: ignore[index]
    assert values == ["A", "FX", "F", "E"]


def test_the_template_grade_is_given_only_when_the_issuer_says_so() -> None:
    rows = [{k: v for k, v in _row().items() if k != "grade"}]
    with pytest.raises(RosterError, match=r"no grade column.*--template-grade"):
        list(issue_many(rows, TEMPLATE, KEY))
    (given,) = issue_many(rows, TEMPLATE, KEY, template_grade=True)
    assert given.ok, given.error
    assert given.credential["credentialSubject"]["result"][0]["value"] == "G"  # type: ignore[index]


def test_a_second_row_of_a_learner_issued_earlier_is_found_when_resuming() -> None:
    first = _row()
    rows = [first, _row(), _row(email=first["email"].upper())]
    results = list(issue_many(rows, TEMPLATE, KEY, skip=[2]))
    assert [r.row for r in results] == [3, 4]
    assert results[1].error == (
        "the same learner as row 2 (the same e-mail): a learner is not issued twice"
    )


def test_ladok_headers_in_swedish_and_english_are_recognised() -> None:
    swedish = recognise_columns(
        ["\ufeffNamn", "Personnummer", "E-post", "ExterntUID", "Betyg", "Examinationsdatum",
         "Kurskod", "Betygsskala"]
    )  # fmt: skip
    assert swedish.fields == {
        "name": "\ufeffNamn", "national_id": "Personnummer", "email": "E-post",
        "ladok_uid": "ExterntUID", "grade": "Betyg", "awarded": "Examinationsdatum",
    }  # fmt: skip
    assert swedish.unrecognised == ("Kurskod", "Betygsskala")
    assert "not used: Kurskod, Betygsskala" in swedish.describe()
    english = recognise_columns(["First name", "Last name", "Student UID", "Grade", "Exam date"])
    assert english.fields == {
        "given_name": "First name", "family_name": "Last name", "ladok_uid": "Student UID",
        "grade": "Grade", "awarded": "Exam date",
    }  # fmt: skip
    row = {"First name": "Alva", "Last name": "Berg", "Student UID": "u-1", "Grade": "G",
           "Exam date": "2026-06-10"}  # fmt: skip
    (result,) = issue_many([row], TEMPLATE, KEY, columns=english)
    assert result.ok, result.error
    identities = result.credential["credentialSubject"]["identifier"]  # type: ignore[index]
    assert {"type": "IdentityObject", "hashed": False, "identityHash": "Alva Berg",
            "identityType": "name"} in identities  # fmt: skip


def test_column_mapping_and_its_errors() -> None:
    headers = ["Student", "Resultat i kursen", "Mejl"]
    mapped = recognise_columns(headers, {"grade": "resultat i kursen", "email": "Mejl"})
    assert mapped.fields == {"name": "Student", "email": "Mejl", "grade": "Resultat i kursen"}
    with pytest.raises(RosterError, match="unknown field 'grad'; did you mean 'grade'"):
        recognise_columns(headers, {"grad": "Mejl"})
    with pytest.raises(RosterError, match="the roster has no column 'Betyg'"):
        recognise_columns(headers, {"grade": "Betyg"})
    with pytest.raises(RosterError) as caught:
        recognise_columns(["Kurskod", "Poäng"])
    message = str(caught.value)
    assert "no column identifies the learner" in message
    assert "Kurskod, Poäng" in message  # what was found
    assert "national_id" in message
    assert "Personnummer" in message
    assert isinstance(caught.value, mc.errors.MicrocredError)
    with pytest.raises(RosterError, match="no column identifies the learner"):
        list(issue_many([{"Kurskod": "DA123A"}], TEMPLATE, KEY))
    assert isinstance(mapped, Columns)


def test_status_lists_give_each_credential_its_own_random_index() -> None:
    lists = StatusLists("https://uni.example/status/1", "https://uni.example/status/2", used={5})
    results = list(issue_many([_row() for _ in range(6)], TEMPLATE, KEY, status=lists))
    indexes = [r.status_index for r in results]
    assert all(isinstance(i, int) and 0 <= i < lists.size for i in indexes)
    assert len(set(indexes)) == 6
    assert 5 not in indexes
    credential = results[0].credential
    assert isinstance(credential, dict)
    entries = credential["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    assert {e["statusListIndex"] for e in entries} == {str(indexes[0])}
    failed = list(issue_many([_row(name="")], TEMPLATE, KEY, status=lists))
    assert failed[0].status_index is None  # a failed row takes no index
    (alone,) = issue_many([_row()], TEMPLATE, KEY, status=StatusLists(lists.urls()[0][1]))
    assert isinstance(alone.credential, dict)
    assert alone.credential["credentialStatus"]["statusPurpose"] == "revocation"  # one: an object
    assert mc.validate(alone.credential, profile="ob3").valid
    with pytest.raises(ValueError, match="another list"):
        StatusLists("https://uni.example/s", "https://uni.example/s")


_GRADES = st.sampled_from(["U", "G", "VG", "g", "vg", "u", "", "MVG", " VG "])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), _GRADES, st.sampled_from(["Alva Berg", "", "  "])),
        min_size=1,
        max_size=8,
    )
)
def test_whatever_the_roster_no_learner_is_issued_twice_or_with_a_fail(
    learners: list[tuple[int, str, str]],
) -> None:
    """Property: one result per row, in order; an issued row has a name, a passing grade in
    the scale's spelling, and a learner no earlier row had; every other row says why."""
    rows = [
        {"name": name, "ladok_uid": f"00000000-0000-4000-8000-{who:012d}", "grade": grade}
        for who, grade, name in learners
    ]
    results = list(issue_many(rows, TEMPLATE, KEY, issued_at=AT))
    assert [r.row for r in results] == list(range(2, len(rows) + 2))
    seen: set[int] = set()
    for result, (who, grade, name) in zip(results, learners, strict=True):
        first_time = who not in seen
        seen.add(who)
        if result.ok:
            assert first_time
            assert name.strip()
            assert grade.strip().upper() in ("G", "VG")
            value = result.credential["credentialSubject"]["result"][0]["value"]  # type: ignore[index]
            assert value == grade.strip().upper()
        else:
            assert (result.error or result.skipped or "").strip()
            if result.skipped is not None:
                assert grade.strip().upper() == "U"
