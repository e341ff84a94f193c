"""The service's store: SQLite (a file, WAL, ``BEGIN IMMEDIATE``) and PostgreSQL (a real
server started by ``conftest.py``), the same contract for both; several processes on one
database lose no update."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from microcred._store import (
    PostgresStore,
    SqliteStore,
    Store,
    StoreError,
    open_store,
    redacted,
)


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store of each kind (PostgreSQL skips, with the reason, without a server)."""
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite3")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    opened = open_store(location)
    yield opened
    opened.close()


def test_open_store_chooses_the_backend(tmp_path: Path) -> None:
    assert isinstance(open_store(str(tmp_path / "a.sqlite3")), SqliteStore)
    assert isinstance(open_store(f"sqlite:///{tmp_path}/b.sqlite3"), SqliteStore)
    assert open_store(None).location == "sqlite (in memory)"
    pytest.importorskip("psycopg")
    assert isinstance(open_store("postgresql://u@127.0.0.1:1/db"), PostgresStore)


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match=r"use a file path \(SQLite\) or a postgresql:// URL"):
        open_store("mysql://root:secret@db/state")


def test_without_psycopg_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import fails as when not installed
    with pytest.raises(ValueError, match=r"pip install 'microcred\[postgres\]'") as caught:
        open_store("postgresql://issuer:hunter2hunter2@db.example/state")
    assert "hunter2" not in str(caught.value)


def test_passwords_are_left_out_of_locations() -> None:
    assert redacted("postgresql://issuer:s3cret@db:5432/x") == "postgresql://issuer:***@db:5432/x"
    assert redacted("postgresql://db/x") == "postgresql://db/x"


def test_rows_keep_their_contract(store: Store) -> None:
    assert store.get("ns", "a") is None
    assert store.add("ns", "a", b"one") is True
    assert store.add("ns", "a", b"two") is False  # inserted once only
    first = store.get("ns", "a")
    assert first is not None
    assert (first.value, first.version) == (b"one", 1)
    assert store.put("ns", "a", b"three") == 2
    assert store.compare_and_set("ns", "a", 1, b"stale") is False  # version moved on
    assert store.compare_and_set("ns", "a", 2, b"four") is True
    assert store.compare_and_set("ns", "new", 0, b"fresh") is True  # 0: only if absent
    assert store.compare_and_set("ns", "new", 0, b"again") is False
    assert store.take("ns", "a") == b"four"
    assert store.take("ns", "a") is None  # taken once, never again
    assert store.get("other", "new") is None  # namespaces are apart


def test_a_failed_transaction_changes_nothing(store: Store) -> None:
    store.put("ns", "k", b"before")

    def abandon() -> None:
        with store.transaction() as tx:
            tx.put("ns", "k", b"after")
            raise RuntimeError("abandoned")

    with pytest.raises(RuntimeError, match="abandoned"):
        abandon()
    row = store.get("ns", "k")
    assert row is not None
    assert row.value == b"before"


def test_keys_are_bounded(store: Store) -> None:
    with pytest.raises(ValueError, match="at most 512"):
        store.get("ns", "k" * 513)
    with pytest.raises(ValueError, match="non-empty"):
        store.put("", "k", b"x")


def test_sqlite_is_in_wal_mode_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first = SqliteStore(path)
    first.put("ns", "k", b"kept")
    assert first.journal_mode() == "wal"
    first.close()
    again = SqliteStore(path)
    row = again.get("ns", "k")
    assert row is not None
    assert row.value == b"kept"


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "not.sqlite3"
    path.write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(StoreError, match="sqlite"):
        SqliteStore(path).put("ns", "k", b"x")


def test_an_unreachable_postgres_is_a_store_error_without_the_password(unused_port: int) -> None:
    pytest.importorskip("psycopg")
    store = PostgresStore(
        f"postgresql://issuer:hunter2hunter2@127.0.0.1:{unused_port}/x", connect_timeout=2
    )
    with pytest.raises(StoreError, match="cannot connect") as caught:
        store.get("ns", "k")
    assert "hunter2" not in str(caught.value)


_COUNTER = textwrap.dedent(
    """
    import pathlib, sys, time
    from microcred._store import open_store

    store = open_store(sys.argv[1])
    store.get("test", "counter")  # connected
    pathlib.Path(sys.argv[3] + ".ready").touch()
    while not pathlib.Path(sys.argv[3]).exists():  # both start together
        time.sleep(0.005)
    for _ in range(int(sys.argv[2])):
        with store.transaction() as tx:
            tx.add("test", "counter", b"0")
            row = tx.get("test", "counter", for_update=True)
            tx.put("test", "counter", str(int(row.value) + 1).encode())
    """
)


def test_two_processes_lose_no_update(location: str, tmp_path: Path) -> None:
    """Each process reads, increments and writes one row 300 times, at the same time as the
    other: a lost update would leave the counter under 600."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _COUNTER, location, "300", str(tmp_path / f"go-{n}")],
            stderr=subprocess.PIPE,
        )
        for n in range(2)
    ]
    for n, run in enumerate(runs):
        while not (tmp_path / f"go-{n}.ready").exists():
            assert run.poll() is None, run.communicate()[1].decode()
            time.sleep(0.01)
    for n in range(2):
        (tmp_path / f"go-{n}").touch()
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
    row = open_store(location).get("test", "counter")
    assert row is not None
    assert int(row.value) == 600
    assert row.version == 601  # the insert, then one version per update


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_a_forked_worker_opens_its_own_connections(location: str) -> None:
    """A parent that used the store forks (as worker processes are started): the child never
    uses the parent's connection, and the two processes' updates all land."""
    store = open_store(location)
    store.put("test", "counter", b"0")  # the parent now holds an idle connection

    def bump(times: int) -> None:
        for _ in range(times):
            with store.transaction() as tx:
                row = tx.get("test", "counter", for_update=True)
                assert row is not None
                tx.put("test", "counter", str(int(row.value) + 1).encode())

    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            bump(100)
        except BaseException:
            code = 1
        os._exit(code)
    bump(100)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    row = store.get("test", "counter")
    assert row is not None
    assert int(row.value) == 200
