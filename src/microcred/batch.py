"""Issuing a whole course roster: one credential per learner row.

:func:`issue_many` takes a template (the Annex I form without ``learner``) and roster rows
(mappings such as :class:`csv.DictReader` yields) and yields one :class:`RowResult` per row, in
order: the signed credential, or the reason the row could not be issued. A bad row never stops
the others. Nothing is written: the CLI (``microcred batch-issue``) writes the files and the
manifest.

Roster columns (names are case-insensitive; unknown columns are ignored):

=================  ===========================================================================
``name``           the learner's name
``national_id``    personal identity number (hashed with a salt into the credential, never
                   written in clear; ``national_id_country`` defaults to ``SE``)
``email``          hashed like the national id
``ladok_uid``      Ladok student UUID (identifier scheme ``Ladok UID``)
``esi``            European Student Identifier (scheme ``ESI``)
``id``             the learner's DID or URL (``credentialSubject.id``)
``grade``          the grade on the template's scale (the template's ``grade.scale``)
``awarded``        the date the result was awarded (``YYYY-MM-DD``)
``issued``         when the credential is issued (default: the template's, else now)
=================  ===========================================================================
"""

from __future__ import annotations

import hashlib
import json
import signal
import uuid
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ._issue import issue
from .keys import KeyPair
from .model.eu import MicroCredential, now_iso

__all__ = ["RowResult", "issue_many", "issue_many_dask", "learner_from_row", "learner_reference"]


@dataclass
class RowResult:
    """The outcome for one roster row.

    Attributes:
        row: the row's number in the roster (the header is row 1, the first learner row 2).
        reference: a reference to the learner that holds no personal identity number
            (Ladok UID, ESI, the learner id, or ``row-N``).
        data: the credential as written to a file (JSON, or the JWT line), ``b""`` when the row
            failed. It is produced where the credential is signed, so that worker processes
            hand back bytes, not objects.
        credential_id: the credential's ``id``.
        error: why the row could not be issued (``None`` on success).
    """

    row: int
    reference: str
    data: bytes = b""
    credential_id: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the row was issued."""
        return self.error is None

    @property
    def credential(self) -> dict[str, Any] | str | None:
        """The signed credential (a dict for Data Integrity, a str for a JWT), or ``None``."""
        if not self.data:
            return None
        text = self.data.decode("utf-8")
        return text.strip() if not text.startswith("{") else json.loads(text)

    def serialized(self) -> bytes:
        """The credential as written to a file."""
        return self.data

    @property
    def sha256(self) -> str | None:
        """SHA-256 of :meth:`serialized`, for the manifest."""
        return hashlib.sha256(self.data).hexdigest() if self.data else None


def _serialize(credential: dict[str, Any] | str) -> bytes:
    if isinstance(credential, str):
        return (credential + "\n").encode("ascii")
    return (json.dumps(credential, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _cells(row: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(k).strip().lower(): str(v).strip()
        for k, v in row.items()
        if k is not None and v is not None and str(v).strip()
    }


def learner_reference(row: Mapping[str, Any], number: int) -> str:
    """A reference to the learner of ``row`` without personal identity numbers."""
    cells = _cells(row)
    for column in ("ladok_uid", "esi", "id"):
        if cells.get(column):
            return cells[column]
    return f"row-{number}"


def learner_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The Annex I ``learner`` object for a roster row."""
    cells = _cells(row)
    learner: dict[str, Any] = {}
    if cells.get("name"):
        learner["name"] = cells["name"]
    if cells.get("national_id"):
        learner["national_id"] = {
            "country": cells.get("national_id_country", "SE"),
            "value": cells["national_id"],
        }
    if cells.get("email"):
        learner["email"] = cells["email"]
    if cells.get("id"):
        learner["id"] = cells["id"]
    identifiers = []
    if cells.get("ladok_uid"):
        identifiers.append({"scheme": "Ladok UID", "value": cells["ladok_uid"]})
    if cells.get("esi"):
        identifiers.append({"scheme": "ESI", "value": cells["esi"]})
    if identifiers:
        learner["identifiers"] = identifiers
    return learner


def _form_for(template: Mapping[str, Any], row: Mapping[str, Any], now: str) -> dict[str, Any]:
    cells = _cells(row)
    form = dict(template)
    form["learner"] = learner_from_row(row)
    if cells.get("grade"):
        grade = dict(form.get("grade") or {})
        grade["value"] = cells["grade"]
        form["grade"] = grade
    if cells.get("awarded"):
        form["awarded"] = cells["awarded"]
    form["issued"] = cells.get("issued") or form.get("issued") or now
    return form


@dataclass
class _Job:
    """What every row of one batch shares (sent to each worker process once)."""

    template: Mapping[str, Any]
    key_jwk: dict[str, Any]
    options: dict[str, Any]
    key: KeyPair | None = None

    def signing_key(self) -> KeyPair:
        if self.key is None:
            self.key = KeyPair.from_jwk(self.key_jwk)
        return self.key


def _one(number: int, row: Mapping[str, Any], job: _Job) -> RowResult:
    reference = learner_reference(row, number)
    options = job.options
    try:
        key = job.signing_key()
        form = _form_for(job.template, row, options["now"])
        if "grade" in form and form["grade"].get("scale") and form["grade"].get("value"):
            _check_grade(form["grade"])
        micro = MicroCredential.model_validate(form)
        seed = options.get("seed")
        unsigned = micro.to_ob3(
            issuer_id=key.did,
            today=options["today"],
            credential_id=_seeded_id(seed, number) if seed else None,
            salt=_seeded_salt(seed, number) if seed else None,
        ).to_json()
        signing: dict[str, Any] = {"format": options["format"]}
        if options["suite"]:
            signing["suite"] = options["suite"]
        if options["format"] == "di":
            signing["created"] = options["now"]
        if options.get("mandatory_pointers") is not None:
            signing["mandatory_pointers"] = options["mandatory_pointers"]
        credential = issue(unsigned, key, **signing)
        return RowResult(number, reference, _serialize(credential), unsigned.get("id"))
    except Exception as exc:  # a bad row is reported, never fatal for the batch
        return RowResult(number, reference, error=_reason(exc))


_SEED_NAMESPACE = uuid.UUID("a3d1f0c2-7b54-4e2a-9c1d-5e6f7a8b9c0d")


def _seeded_id(seed: str, row: int) -> str:
    return f"urn:uuid:{uuid.uuid5(_SEED_NAMESPACE, f'{seed}:{row}')}"


def _seeded_salt(seed: str, row: int) -> str:
    return hashlib.sha256(f"{seed}:salt:{row}".encode()).hexdigest()[:32]


_WORKER_JOB: _Job | None = None


def _start_worker(job: _Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job
    # Ctrl-C reaches the whole process group: the parent decides when to stop (it drains
    # or cancels the pool); a worker dying of KeyboardInterrupt would break the pool instead
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chunk_in_worker(chunk: list[tuple[int, dict[str, Any]]]) -> list[RowResult]:
    assert _WORKER_JOB is not None
    return _chunk_with(chunk, _WORKER_JOB)


def _check_grade(grade: Mapping[str, Any]) -> None:
    from .model.presets import se

    try:
        se.scale(str(grade["scale"]))
    except ValueError:
        return  # a scale microcred does not know: the grade is kept as given
    se.check_grade(str(grade["value"]), str(grade["scale"]))


def _reason(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            parts.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
        return "; ".join(parts)
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _prepare(
    rows: Iterable[Mapping[str, Any]],
    template: MicroCredential | Mapping[str, Any],
    key: KeyPair,
    format: str,
    suite: str | None,
    first_row: int,
    skip: Iterable[int],
    today: date | None,
    seed: str | None,
    issued_at: str | None = None,
    mandatory_pointers: Sequence[str] | None = None,
) -> tuple[_Job, Iterator[tuple[int, Mapping[str, Any]]]]:
    if not key.has_private_key:
        raise ValueError("the issuer key has no private part")
    base = template.to_json() if isinstance(template, MicroCredential) else dict(template)
    base.pop("learner", None)
    now = issued_at or now_iso()
    options: dict[str, Any] = {
        "format": format,
        "suite": suite,
        "today": today,
        "now": now,
        "seed": seed,
    }
    if mandatory_pointers is not None:
        if isinstance(mandatory_pointers, str):
            raise TypeError("mandatory_pointers must be a list of JSON pointers, not one string")
        options["mandatory_pointers"] = list(mandatory_pointers)
    skipped = set(skip)
    numbered = (
        (number, row) for number, row in enumerate(rows, start=first_row) if number not in skipped
    )
    return _Job(base, key.private_jwk(), options), numbered


def issue_many(
    rows: Iterable[Mapping[str, Any]],
    template: MicroCredential | Mapping[str, Any],
    key: KeyPair,
    *,
    format: Literal["di", "jwt"] = "di",
    suite: str | None = None,
    workers: int = 1,
    first_row: int = 2,
    skip: Iterable[int] = (),
    today: date | None = None,
    seed: str | None = None,
    issued_at: str | None = None,
    mandatory_pointers: Sequence[str] | None = None,
) -> Generator[RowResult, None, None]:
    """Issue one credential per roster row; yields a :class:`RowResult` per row, in order.

    Closing the generator early stops the batch: with ``workers`` > 1, chunks not yet started
    are dropped and the ones being signed are awaited.

    Args:
        rows: roster rows (column → value).
        template: the Annex I form without ``learner`` (a mapping or a MicroCredential).
        key: the issuer's signing key; its DID is the issuer id unless the template names one.
        format: ``"di"`` (Data Integrity proof) or ``"jwt"``.
        suite: the Data Integrity suite (default by key type).
        workers: processes to sign in (``1``: in this process).
        first_row: the number of the first row (2 for a CSV file with a header).
        skip: row numbers not to issue (already issued: resuming a batch).
        today: reference date for two-digit-year personal numbers.
        seed: make the output reproducible: credential ids and identity salts are derived
            from ``seed`` and the row number (keep the seed secret: whoever knows it can test
            guesses of a personal number against its hash). Without it they are random.
        issued_at: the moment of issuing (ISO 8601): each credential's ``issued`` unless the
            template or the row gives one, and its proof's ``created`` (default: now).
        mandatory_pointers: with ``suite="ecdsa-sd-2023"``, what every disclosure of the
            credentials must reveal (see :func:`microcred.issue`).

    Raises:
        ValueError: ``workers`` < 1 or the key has no private part (misuse); bad rows are
            reported in their RowResult instead.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    job, numbered = _prepare(
        rows, template, key, format, suite, first_row, skip, today, seed, issued_at,
        mandatory_pointers,
    )  # fmt: skip
    if workers == 1:
        for number, row in numbered:
            yield _one(number, row, job)
        return
    chunk_size = 16
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(job,)
    ) as pool:
        pending: list[Any] = []
        chunk: list[tuple[int, dict[str, Any]]] = []
        try:
            for number, row in numbered:
                chunk.append((number, dict(row)))
                if len(chunk) == chunk_size:
                    pending.append(pool.submit(_chunk_in_worker, chunk))
                    chunk = []
                if len(pending) >= workers * 2:
                    yield from pending.pop(0).result()
            if chunk:
                pending.append(pool.submit(_chunk_in_worker, chunk))
            while pending:
                yield from pending.pop(0).result()
        except GeneratorExit:  # the caller stopped early: chunks not yet started are dropped
            for future in pending:
                future.cancel()
            raise


def issue_many_dask(
    rows: Iterable[Mapping[str, Any]],
    template: MicroCredential | Mapping[str, Any],
    key: KeyPair,
    *,
    client: Any,
    format: Literal["di", "jwt"] = "di",
    suite: str | None = None,
    first_row: int = 2,
    skip: Iterable[int] = (),
    today: date | None = None,
    seed: str | None = None,
    issued_at: str | None = None,
    chunk_size: int = 256,
    in_flight: int = 8,
) -> Iterator[RowResult]:
    """:func:`issue_many` on a Dask cluster (the ``dask`` extra): the same rows, the same
    results, in order. ``client`` is a ``distributed.Client``; the template and key go to the
    workers once, rows go in chunks of ``chunk_size`` with at most ``in_flight`` chunks
    pending, so memory stays flat however long the roster is.
    """
    if chunk_size < 1 or in_flight < 1:
        raise ValueError("chunk_size and in_flight must be at least 1")
    job, numbered = _prepare(
        rows, template, key, format, suite, first_row, skip, today, seed, issued_at
    )
    shared = client.scatter(job, broadcast=True)
    pending: list[Any] = []
    chunk: list[tuple[int, dict[str, Any]]] = []
    for number, row in numbered:
        chunk.append((number, dict(row)))
        if len(chunk) == chunk_size:
            pending.append(client.submit(_chunk_with, chunk, shared, pure=False))
            chunk = []
        if len(pending) >= in_flight:
            yield from pending.pop(0).result()
    if chunk:
        pending.append(client.submit(_chunk_with, chunk, shared, pure=False))
    for future in pending:
        yield from future.result()


def _chunk_with(chunk: list[tuple[int, dict[str, Any]]], job: _Job) -> list[RowResult]:
    return [_one(number, row, job) for number, row in chunk]
