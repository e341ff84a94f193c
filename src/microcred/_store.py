"""The service's state: one keyed table in SQLite (default) or PostgreSQL (by URL).

Everything ``microcred serve`` keeps between requests (the status lists it publishes and
updates, the index each credential was given, and whatever later features keep: offers,
codes, nonces) lives in one table of ``(namespace, key) → (value, version)`` rows. Every
change goes through a :meth:`Store.transaction`, so that several worker processes of one
service, or several services behind a load balancer, never lose an update:

- **SQLite** (the standard library; a file path): WAL mode, a busy timeout, and every
  transaction opened with ``BEGIN IMMEDIATE``, which takes the database's write lock at once;
  safe for any number of processes on one host, and the file survives a restart.
- **PostgreSQL** (``postgresql://...``, psycopg 3 from the ``[postgres]`` extra): rows read
  for update are locked (``SELECT ... FOR UPDATE``) until the transaction ends; for services on
  several hosts.

Connections are opened lazily, a few per process, and never carried across ``fork``: a worker
process forked from a parent that had used the store opens its own.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .errors import StoreError

__all__ = [
    "MEMORY",
    "PostgresStore",
    "Record",
    "SqliteStore",
    "Store",
    "StoreError",
    "Transaction",
    "open_store",
    "redacted",
]

#: The store URL of a private in-memory SQLite database (one process, lost at exit).
MEMORY = ":memory:"
#: Seconds a SQLite connection waits for another process's write lock before failing.
BUSY_TIMEOUT = 30.0
#: Connections one process opens at most (requests beyond wait for a free one).
POOL_SIZE = 8
#: The one table; its name says whose it is in a shared database.
TABLE = "microcred_state"
#: Longest namespace and key (characters).
MAX_KEY = 512

_SCHEMA_LOCK = 0x6D6963726F  # PostgreSQL advisory lock id for creating the table ("micro")


@dataclass(frozen=True)
class Record:
    """One row: its value and a version that grows by one at each change."""

    value: bytes
    version: int


def _check_key(namespace: str, key: str) -> None:
    for what, text in (("namespace", namespace), ("key", key)):
        if not isinstance(text, str) or not text or len(text) > MAX_KEY or "\x00" in text:
            raise ValueError(f"a store {what} is a non-empty string of at most {MAX_KEY} chars")


class Transaction(ABC):
    """Reads and writes inside one transaction of a :class:`Store` (commit at the end of the
    ``with`` block, rollback if it raises)."""

    @abstractmethod
    def get(self, namespace: str, key: str, *, for_update: bool = False) -> Record | None:
        """The row, or ``None``. ``for_update`` locks it until the transaction ends (SQLite
        holds the database's write lock for the whole transaction already)."""

    @abstractmethod
    def add(self, namespace: str, key: str, value: bytes) -> bool:
        """Insert the row unless it exists; whether it was inserted."""

    @abstractmethod
    def put(self, namespace: str, key: str, value: bytes) -> int:
        """Insert or replace the row; its new version."""

    @abstractmethod
    def delete(self, namespace: str, key: str) -> bool:
        """Delete the row; whether there was one."""


class _SqlTransaction(Transaction):
    """The SQL both backends share; ``mark`` is the driver's placeholder."""

    def __init__(self, cursor: Any, mark: str, lock_rows: bool) -> None:
        self._cursor = cursor
        self._lock = " FOR UPDATE" if lock_rows else ""
        m = mark
        self._select = f"SELECT value, version FROM {TABLE} WHERE namespace = {m} AND key = {m}"
        self._insert = (
            f"INSERT INTO {TABLE} (namespace, key, value, version) VALUES ({m}, {m}, {m}, 1) "
            "ON CONFLICT (namespace, key) DO NOTHING"
        )
        self._upsert = (
            f"INSERT INTO {TABLE} (namespace, key, value, version) VALUES ({m}, {m}, {m}, 1) "
            f"ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, "
            f"version = {TABLE}.version + 1 RETURNING version"
        )
        self._delete = f"DELETE FROM {TABLE} WHERE namespace = {m} AND key = {m}"

    def get(self, namespace: str, key: str, *, for_update: bool = False) -> Record | None:
        _check_key(namespace, key)
        self._cursor.execute(self._select + (self._lock if for_update else ""), (namespace, key))
        row = self._cursor.fetchone()
        return None if row is None else Record(bytes(row[0]), int(row[1]))

    def add(self, namespace: str, key: str, value: bytes) -> bool:
        _check_key(namespace, key)
        self._cursor.execute(self._insert, (namespace, key, bytes(value)))
        return bool(self._cursor.rowcount == 1)

    def put(self, namespace: str, key: str, value: bytes) -> int:
        _check_key(namespace, key)
        self._cursor.execute(self._upsert, (namespace, key, bytes(value)))
        return int(self._cursor.fetchone()[0])

    def delete(self, namespace: str, key: str) -> bool:
        _check_key(namespace, key)
        self._cursor.execute(self._delete, (namespace, key))
        return bool(self._cursor.rowcount == 1)


class Store(ABC):
    """Keyed rows shared by every process of a service; see the module's docstring.

    Every method may raise :class:`StoreError` when the database cannot be used.
    """

    #: Where the state is, for logs and messages (a PostgreSQL password is left out).
    location: str

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Transaction]:
        """A transaction: ``with store.transaction() as tx: ...``; committed when the block
        ends, rolled back when it raises (the exception goes on)."""

    def get(self, namespace: str, key: str) -> Record | None:
        """The row as last committed, or ``None``."""
        with self.transaction() as tx:
            return tx.get(namespace, key)

    def add(self, namespace: str, key: str, value: bytes) -> bool:
        """Insert the row unless it exists (a nonce or code used once); whether it was."""
        with self.transaction() as tx:
            return tx.add(namespace, key, value)

    def put(self, namespace: str, key: str, value: bytes) -> int:
        """Insert or replace the row; its new version."""
        with self.transaction() as tx:
            return tx.put(namespace, key, value)

    def compare_and_set(self, namespace: str, key: str, version: int, value: bytes) -> bool:
        """Replace the row only if its version is still ``version`` (``0``: only if there
        is none); whether it was replaced."""
        with self.transaction() as tx:
            current = tx.get(namespace, key, for_update=True)
            if (current.version if current else 0) != version:
                return False
            tx.put(namespace, key, value)
            return True

    def take(self, namespace: str, key: str) -> bytes | None:
        """Delete the row and return its value, atomically (``None`` if there was none): what
        is taken once is never taken again, by any process."""
        with self.transaction() as tx:
            current = tx.get(namespace, key, for_update=True)
            if current is None:
                return None
            tx.delete(namespace, key)
            return current.value

    def check(self) -> None:
        """Open a connection, create the table if needed, and close the connections again
        (so that a process about to fork holds none)."""
        with self.transaction() as tx:
            tx.get("meta", "schema")
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Close the idle connections of this process."""


class _Pool:
    """A few connections for one process, opened on demand; none crosses a ``fork``."""

    def __init__(self, connect: Callable[[], Any], size: int) -> None:
        self._connect = connect
        self._size = size
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._idle: list[Any] = []
        self._slots = threading.BoundedSemaphore(self._size)

    @contextmanager
    def connection(self, broken: type[BaseException] | tuple[type[BaseException], ...]) -> Any:
        with self._lock:
            if self._pid != os.getpid():
                # inherited from the parent: never used nor closed here (closing a SQLite
                # connection in the child would drop the child's own file locks)
                _INHERITED.extend(self._idle)
                self._reset()
            slots = self._slots
        slots.acquire()
        try:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                conn = self._connect()
            healthy = True
            try:
                yield conn
            except broken:
                healthy = False
                raise
            finally:
                with self._lock:
                    if healthy and self._pid == os.getpid():
                        self._idle.append(conn)
                    else:
                        _close_quietly(conn)
        finally:
            slots.release()

    def close(self) -> None:
        with self._lock:
            if self._pid != os.getpid():
                _INHERITED.extend(self._idle)
                self._reset()
                return
            idle, self._idle = self._idle, []
        for conn in idle:
            _close_quietly(conn)


#: Connections a forked child inherited: kept referenced so that they are never closed there.
_INHERITED: list[Any] = []


def _close_quietly(conn: Any) -> None:
    with suppress(Exception):  # a broken connection may fail to close; it is dropped anyway
        conn.close()


class SqliteStore(Store):
    """The state in a SQLite file (``path``), or in memory (:data:`MEMORY`: this process only).

    Raises:
        StoreError: (at first use) the file cannot be opened or is not a SQLite database.
    """

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = str(path)
        self.location = "sqlite (in memory)" if self.path == MEMORY else f"sqlite {self.path}"
        self._timeout = busy_timeout
        self._schema_ready = False
        # an in-memory database lives in its one connection
        self._pool = _Pool(self._connect, 1 if self.path == MEMORY else POOL_SIZE)

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {self.location}: {exc}") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            if self.path != MEMORY:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (namespace TEXT NOT NULL, "
                "key TEXT NOT NULL, value BLOB NOT NULL, version INTEGER NOT NULL, "
                "PRIMARY KEY (namespace, key)) WITHOUT ROWID"
            )
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot use {self.location}: {exc}") from None
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._pool.connection((sqlite3.Error, StoreError)) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.location} is unavailable: {exc}") from None
            try:
                yield _SqlTransaction(conn.cursor(), "?", lock_rows=False)
            except BaseException as exc:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"{self.location} failed: {exc}") from None
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.location} could not commit: {exc}") from None

    def get(self, namespace: str, key: str) -> Record | None:
        """The row as last committed (a read alone: it waits for no writer, in WAL mode)."""
        with self._pool.connection((sqlite3.Error, StoreError)) as conn:
            try:
                return _SqlTransaction(conn.cursor(), "?", lock_rows=False).get(namespace, key)
            except sqlite3.Error as exc:
                raise StoreError(f"{self.location} failed: {exc}") from None

    def journal_mode(self) -> str:
        """The database's journal mode (``wal`` for a file)."""
        with self._pool.connection(sqlite3.Error) as conn:
            return str(conn.execute("PRAGMA journal_mode").fetchone()[0])

    def close(self) -> None:
        if self.path != MEMORY:  # closing it would lose the in-memory database
            self._pool.close()


def redacted(url: str) -> str:
    """``url`` without its password (for logs and messages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://(unparsable URL)"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


class PostgresStore(Store):
    """The state in a PostgreSQL database, by ``postgresql://`` URL (psycopg 3).

    Raises:
        ValueError: psycopg is not installed (the message names the ``[postgres]`` extra).
        StoreError: (at first use) the server cannot be reached or refuses the connection.
    """

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        try:
            import psycopg
        except ImportError:
            raise ValueError(
                f"the store {redacted(url)} needs psycopg 3: pip install 'microcred[postgres]'"
            ) from None
        self._psycopg = psycopg
        self.url = url
        self.location = f"postgresql {redacted(url)}"
        self._timeout = connect_timeout
        self._pool = _Pool(self._connect, POOL_SIZE)

    def _connect(self) -> Any:
        psycopg = self._psycopg
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=self._timeout)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {self.location}: {_first_line(exc)}") from None
        except Exception:  # a malformed URL (psycopg's own ProgrammingError is caught above)
            raise StoreError(f"cannot connect to {self.location}: malformed URL") from None
        try:
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {TABLE} (namespace TEXT NOT NULL, "
                    "key TEXT NOT NULL, value BYTEA NOT NULL, version BIGINT NOT NULL, "
                    "PRIMARY KEY (namespace, key))"
                )
        except psycopg.Error as exc:
            conn.close()
            raise StoreError(f"cannot use {self.location}: {_first_line(exc)}") from None
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        psycopg = self._psycopg
        with self._pool.connection((psycopg.Error, StoreError)) as conn:
            try:
                with conn.transaction(), conn.cursor() as cursor:
                    yield _SqlTransaction(cursor, "%s", lock_rows=True)
            except psycopg.Error as exc:
                raise StoreError(f"{self.location} failed: {_first_line(exc)}") from None

    def get(self, namespace: str, key: str) -> Record | None:
        """The row as last committed (one statement, outside any transaction)."""
        psycopg = self._psycopg
        with self._pool.connection((psycopg.Error, StoreError)) as conn:
            try:
                with conn.cursor() as cursor:
                    return _SqlTransaction(cursor, "%s", lock_rows=True).get(namespace, key)
            except psycopg.Error as exc:
                raise StoreError(f"{self.location} failed: {_first_line(exc)}") from None

    def close(self) -> None:
        self._pool.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def open_store(location: str | os.PathLike[str] | None) -> Store:
    """The store at ``location``: a ``postgresql://`` (or ``postgres://``) URL, a
    ``sqlite:///path`` URL or a file path (SQLite), or ``None`` / :data:`MEMORY` for a
    private in-memory SQLite database (one process; lost at exit). Nothing is opened yet.

    Raises:
        ValueError: an unknown URL scheme, or psycopg missing for a PostgreSQL URL.
    """
    if location is None:
        return SqliteStore(MEMORY)
    text = os.fspath(location)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresStore(text)
    if text.startswith("sqlite:"):
        path = urlsplit(text).path
        if not path:
            raise ValueError(f"store {text!r}: a sqlite URL names a file (sqlite:///path)")
        return SqliteStore(path)
    scheme = text.split(":", 1)[0] if "://" in text else ""
    if scheme:
        raise ValueError(
            f"store {redacted(text)!r}: use a file path (SQLite) or a postgresql:// URL"
        )
    return SqliteStore(MEMORY if text == MEMORY else Path(text))
