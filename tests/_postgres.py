"""A real PostgreSQL server for the store's tests, started from Debian's ``postgresql`` package
(``initdb`` and ``pg_ctl`` in a temporary directory, on a free loopback port), or a skip that
says why it cannot be had. Its fixtures are the root ``conftest.py``'s."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    """``initdb`` refuses to run as root: run the server's commands as ``owner`` then."""
    return command if owner is None else ["runuser", "-u", owner, "--", *command]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a fresh PostgreSQL server's ``postgres`` database (superuser ``microcred``,
    trust authentication, loopback only); stopped and removed after the session."""
    pytest.importorskip("psycopg", reason="psycopg (the [postgres] extra) is not installed")
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("Debian's postgresql package is not installed (.ci/run installs it)")
    bindir = Path(found[-1]).parent
    owner = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: initdb cannot be run as another user")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run initdb as")
        owner = "postgres"
    top = Path(tempfile.mkdtemp(prefix="microcred-pg-"))
    data = top / "data"
    if owner is not None:
        shutil.chown(top, owner)
    top.chmod(0o700)
    port = _free_port()
    initdb = subprocess.run(
        _as_owner(
            [str(bindir / "initdb"), "-D", str(data), "-U", "microcred", "-A", "trust", "-N"],
            owner,
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if initdb.returncode != 0:
        shutil.rmtree(top, ignore_errors=True)
        pytest.skip(f"initdb failed: {initdb.stderr.strip()[-300:]}")
    options = (
        f"-p {port} -k {top} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    )
    log = str(top / "log")
    started = subprocess.run(
        _as_owner(
            [str(bindir / "pg_ctl"), "start", "-w", "-D", str(data), "-o", options, "-l", log],
            owner,
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if started.returncode != 0:
        said = Path(log).read_text(errors="replace")[-300:] if Path(log).exists() else ""
        shutil.rmtree(top, ignore_errors=True)
        pytest.skip(f"the PostgreSQL server did not start: {started.stderr.strip()} {said}")
    try:
        yield f"postgresql://microcred@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], owner),
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture
def unused_port() -> int:
    """A loopback TCP port nothing listens on (for a server that cannot be reached)."""
    return _free_port()


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new, empty database on the session's server, for one test."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.rsplit("/", 1)[0] + f"/{name}"
