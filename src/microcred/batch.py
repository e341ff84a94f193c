"""Issuing a whole course roster: one credential per learner row.

:func:`issue_many` takes a template (the Annex I form without ``learner``) and roster rows
(mappings such as :class:`csv.DictReader` yields) and yields one :class:`RowResult` per row, in
order: the signed credential, the reason the row was skipped (a result that is not a pass), or
the reason it could not be issued. A bad row never stops the others. Nothing is written: the CLI
(``microcred batch-issue``) writes the files and the manifest.

Roster columns are recognised by name, in English or as a Ladok result export names them in
Swedish (case, spaces, ``_`` and ``-`` do not matter; :data:`FIELDS` lists each field and
:data:`HEADERS` the names it is known by); ``columns=`` maps any other header to a field.
:func:`recognise_columns` says which header feeds which field and which headers are not used.

Roster rules (each breach is a per-row message naming the reason; nothing is issued silently
wrong):

- the learner needs a name (``name``, or ``given_name`` and ``family_name``);
- two rows for the same learner (the same personal number, e-mail, Ladok UID, ESI or id) are an
  error on the second: a learner is never issued twice;
- with a ``grade`` column, a blank grade cell is an error (the template's grade is never used in
  its place); without one, the template's grade is used only with ``template_grade=True``;
- a grade not on the template's scale is an error; a grade on it is written in the scale's own
  spelling (``vg`` → ``VG``, ``Fx`` → ``FX``);
- a result that is not a pass on its scale (``U``, ``F``, ``FX``) is *skipped*, not issued,
  unless ``include_failing=True``;
- dates (``awarded``, ``issued``) are ISO 8601 (``ÅÅÅÅ-MM-DD``, the Swedish standard form, or a
  date-time); anything else (``10/06/2026``) is an error saying so.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import hashlib
import json
import os
import pickle
import re
import signal
import sys
import unicodedata
import uuid
import warnings
from array import array
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, Literal

from ._issue import issue
from .errors import RosterError
from .keys import KeyPair
from .model.eu import FormError, MicroCredential, check_form, now_iso
from .model.identity import IdentityPolicy, ReversibleIdentityWarning

__all__ = [
    "FIELDS",
    "HEADERS",
    "MAX_ROW_BYTES",
    "Columns",
    "Roster",
    "RosterError",
    "RowResult",
    "StatusLists",
    "UnreadableRow",
    "issue_many",
    "issue_many_dask",
    "learner_from_row",
    "learner_reference",
    "read_roster",
    "recognise_columns",
]

#: The roster fields microcred reads, with what each holds.
FIELDS: dict[str, str] = {
    "name": "the learner's full name",
    "given_name": "the learner's given name (with family_name, when there is no name column)",
    "family_name": "the learner's family name",
    "national_id": "personal identity number (checked; left out of the credential unless "
    "the issuer opts in: identity=)",
    "national_id_country": "the country of national_id (default SE)",
    "email": "the learner's e-mail address (left out unless the issuer opts in)",
    "ladok_uid": "the Ladok student UID (ExterntUID)",
    "esi": "European Student Identifier",
    "id": "the learner's DID or URL (credentialSubject.id)",
    "grade": "the grade on the template's scale",
    "awarded": "the date of the result (ISO 8601: ÅÅÅÅ-MM-DD)",
    "issued": "when the credential is issued (ISO 8601 date-time; default: now)",
}

#: The header names each field is recognised by (English, and a Ladok export's Swedish).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "namn", "fullständigt namn", "student", "studentnamn"),
    "given_name": ("given name", "first name", "givenname", "förnamn", "fornamn", "tilltalsnamn"),
    "family_name": ("family name", "last name", "surname", "familyname", "efternamn"),
    "national_id": (
        "national id", "personal identity number", "personal number", "personnummer",
        "personnr", "pnr", "person number", "personal id", "samordningsnummer",
    ),
    "national_id_country": ("national id country", "country of national id"),
    "email": ("email", "e mail", "e mail address", "email address", "e post", "epost",
              "e postadress", "epostadress", "mail"),
    "ladok_uid": ("ladok uid", "ladokuid", "student uid", "studentuid", "externt uid",
                  "externtuid", "externt studentuid", "extern uid", "external uid", "uid"),
    "esi": ("esi", "european student identifier"),
    "id": ("id", "did", "learner id", "subject id", "wallet"),
    "grade": ("grade", "result", "betyg", "resultat"),
    "awarded": ("awarded", "date awarded", "examination date", "exam date",
                "examinationsdatum", "examinationsdag", "beslutsdatum", "datum", "date"),
    "issued": ("issued", "issuance date", "utfärdad", "utfärdandedatum"),
}  # fmt: skip

# a column that identifies the learner: without one, every row would fail the same way
_LEARNER_FIELDS = ("name", "given_name", "family_name", "national_id", "email", "ladok_uid",
                   "esi", "id")  # fmt: skip


def _normal(header: object) -> str:
    text = unicodedata.normalize("NFC", str(header)).replace("\ufeff", "").strip().lower()
    return " ".join(re.sub(r"[\s_\-.]+", " ", text).split())


_KNOWN: dict[str, str] = {_normal(alias): name for name, aliases in HEADERS.items()
                          for alias in (name, *aliases)}  # fmt: skip


@dataclass(frozen=True)
class Columns:
    """Which roster header feeds which field.

    Attributes:
        fields: field name → the header (as the roster spells it).
        unrecognised: headers that feed no field (ignored), in roster order.
    """

    fields: dict[str, str]
    unrecognised: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the issuer: ``columns: Namn → name, ...; not used: Kurskod``."""
        used = ", ".join(
            name if _normal(header) == _normal(name) else f"{header} → {name}"
            for name, header in self.fields.items()
        )
        line = f"columns: {used or 'none recognised'}"
        if self.unrecognised:
            line += f"; not used: {', '.join(self.unrecognised)}"
        return line


def recognise_columns(
    headers: Iterable[object], columns: Mapping[str, str] | None = None
) -> Columns:
    """Map roster ``headers`` to :data:`FIELDS`.

    Args:
        headers: the roster's header row.
        columns: field → header, for headers microcred does not know (``--column``); these win
            over the recognised names.

    Raises:
        RosterError: ``columns`` names a field microcred does not know or a header the roster
            does not have, or no header identifies the learner (the message lists the headers
            found and the names expected). Of two headers microcred knows for one field, the
            name listed first in :data:`HEADERS` is used and the other is reported in
            :attr:`Columns.unrecognised`.
    """
    present = [str(h) for h in headers if h is not None and str(h).strip()]
    by_normal = {_normal(h): h for h in present}
    fields: dict[str, str] = {}
    for name, header in (columns or {}).items():
        if name not in FIELDS:
            near = difflib.get_close_matches(name, list(FIELDS), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise RosterError(f"column mapping {name}={header}: unknown field {name!r}{hint} "
                              f"(fields: {', '.join(FIELDS)})")  # fmt: skip
        found = by_normal.get(_normal(header))
        if found is None:
            raise RosterError(f"column mapping {name}={header}: the roster has no column "
                              f"{header!r} (its columns: {', '.join(present)})")  # fmt: skip
        fields[name] = found
    # a header microcred knows, unless --column already gave its field; of two headers for
    # one field, the name listed first in HEADERS wins and the other is reported as not used
    rank = {_normal(alias): i for aliases in HEADERS.values() for i, alias in enumerate(aliases)}
    taken = set(fields.values())
    candidates: dict[str, str] = {}
    for header in present:
        known = _KNOWN.get(_normal(header))
        if header in taken or known is None or known in fields:
            continue
        best = candidates.get(known)
        if best is None or rank.get(_normal(header), 0) < rank.get(_normal(best), 0):
            candidates[known] = header
    fields.update(candidates)
    used = set(fields.values())
    unrecognised = [header for header in present if header not in used]
    if not any(name in fields for name in _LEARNER_FIELDS):
        raise RosterError(
            f"no column identifies the learner: the roster's columns are "
            f"{', '.join(present) or '(none)'}; expected one of "
            f"{', '.join(_LEARNER_FIELDS)} (or Namn, Personnummer, E-post, ExterntUID), or "
            "map one with --column FIELD=HEADER"
        )
    ordered = {name: fields[name] for name in FIELDS if name in fields}
    return Columns(ordered, tuple(unrecognised))


#: The longest roster row read (in bytes, line ends included): a longer one is a failed row.
MAX_ROW_BYTES = 64 * 1024
_HEAD_BYTES = 64 * 1024


class UnreadableRow(Mapping[str, str]):
    """A roster row that could not be read (longer than the row limit, not text in the
    roster's encoding, not CSV). It holds no cells; :func:`issue_many` reports it as a failed
    row with :attr:`reason` and goes on with the next.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __getitem__(self, key: str) -> str:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"UnreadableRow({self.reason!r})"


class Roster:
    """A CSV roster read one row at a time (from :func:`read_roster`): memory stays flat
    however long it is.

    Attributes:
        headers: the header row.
        encoding: ``"utf-8"`` (with or without a BOM) or ``"cp1252"`` (Windows-1252), as
            found in the file's head.
        delimiter: ``,``, ``;`` or tab, as sniffed from the file's head.
        max_row_bytes: the row limit.

    Iterating yields each row after the header (blank lines are passed over) as a dict
    header → cell (cells beyond the header are dropped, missing ones absent), or an
    :class:`UnreadableRow` saying why the row could not be read. It can be iterated once.
    """

    def __init__(
        self, handle: Any, name: str, encoding: str, delimiter: str, max_row_bytes: int
    ) -> None:
        self._handle = handle
        self._name = name
        self.encoding = encoding
        self.delimiter = delimiter
        self.max_row_bytes = max_row_bytes
        self._records = _records(handle, max_row_bytes, _dialect(delimiter))
        header = next(self._records, None)
        if header is None or isinstance(header, UnreadableRow) or not header:
            handle.close()
            why = f": {header.reason}" if isinstance(header, UnreadableRow) else ""
            raise RosterError(f"roster {name} has no header row{why}")
        self.headers: list[str] = header

    def __iter__(self) -> Iterator[dict[str, str] | UnreadableRow]:
        headers = self.headers
        try:
            for record in self._records:
                if isinstance(record, UnreadableRow):
                    yield record
                elif record:  # a blank line is no row
                    yield dict(zip(headers, record, strict=False))
        finally:
            self._handle.close()

    def close(self) -> None:
        """Close the file (iterating to the end closes it too)."""
        self._handle.close()


def _dialect(delimiter: str) -> type[csv.Dialect]:
    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def read_roster(
    source: str | os.PathLike[str] | IO[bytes], *, max_row_bytes: int = MAX_ROW_BYTES
) -> Roster:
    """Open a CSV roster to read one row at a time.

    The encoding (UTF-8, with or without a BOM, else Windows-1252 as older exports write it)
    and the delimiter (``,``, ``;`` or tab) are found in the file's head (its first 64 KiB);
    quoting is CSV's (``"``, doubled inside a quoted cell). Nothing caps the roster's size:
    each row is capped at ``max_row_bytes`` instead, and a longer row (an unclosed quote runs
    to the end of the file) is an :class:`UnreadableRow`, as is a row that is not text in the
    roster's encoding.

    Args:
        source: a path, ``"-"`` for standard input, or a binary file opened for reading
            (closed when the roster has been read).

    Raises:
        RosterError: the roster cannot be opened, has no header row, or its head is neither
            UTF-8 nor Windows-1252 text.
    """
    if max_row_bytes < 1:
        raise ValueError("max_row_bytes must be at least 1")
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        try:
            handle: IO[bytes] = (
                sys.stdin.buffer if name == "-" else open(name, "rb", buffering=_HEAD_BYTES)  # noqa: SIM115
            )
        except OSError as exc:
            raise RosterError(f"cannot read roster {name}: {exc.strerror or exc}") from None
    else:
        handle, name = source, str(getattr(source, "name", "roster"))
    try:
        head = _peek(handle)
    except OSError as exc:
        handle.close()
        raise RosterError(f"cannot read roster {name}: {exc.strerror or exc}") from None
    encoding = _encoding(head)
    if encoding is None:
        handle.close()
        raise RosterError(f"roster {name} is neither UTF-8 nor Windows-1252 text")
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return Roster(_Decoded(handle, encoding), name, encoding, delimiter, max_row_bytes)


def _peek(handle: IO[bytes]) -> bytes:
    peek = getattr(handle, "peek", None)
    if peek is not None:
        return bytes(peek(_HEAD_BYTES)[:_HEAD_BYTES])
    return b""  # no look-ahead: UTF-8 and a comma


def _encoding(head: bytes) -> str | None:
    """``"utf-8-sig"`` when the head is UTF-8 (a multi-byte character cut at its end is
    allowed), ``"cp1252"`` when it is Windows-1252, else ``None``."""
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return "cp1252"


class _Decoded:
    """The roster's bytes with what decodes them; ``close`` closes the file."""

    def __init__(self, handle: IO[bytes], encoding: str) -> None:
        self.handle = handle
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.bom = encoding == "utf-8-sig"
        self.readline = handle.readline

    def close(self) -> None:
        if self.handle is not sys.stdin.buffer:
            self.handle.close()


def _records(
    source: Any, limit: int, dialect: type[csv.Dialect]
) -> Iterator[list[str] | UnreadableRow]:
    """Each CSV record of ``source`` (cells), or why it could not be read. A record ends at
    a line end outside quotes; reading one never holds more than ``limit`` bytes."""
    readline, encoding, bom = source.readline, source.encoding, source.bom
    delimiter = dialect.delimiter
    first = True
    while True:
        line = readline(limit + 1)
        if not line:
            return
        parts, size, quotes = [line], len(line), line.count(b'"')
        while not (line.endswith(b"\n") and quotes % 2 == 0):
            line = readline(limit + 1)
            if not line:
                break
            size += len(line)
            quotes += line.count(b'"')
            if size <= limit:
                parts.append(line)
            elif parts:
                parts = []  # too long: the rest of the record is read and dropped
        if size > limit:
            yield UnreadableRow(
                f"the row is longer than the limit of {limit} bytes"
                + (" (a quote that is never closed?)" if quotes % 2 else "")
            )
            first = False
            continue
        data = b"".join(parts)
        if first and bom and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        first = False
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            name = "UTF-8" if encoding == "utf-8" else "Windows-1252"
            yield UnreadableRow(f"the row is not {name} text (the roster's head is)")
            continue
        if not quotes:  # no quoting: the cells are the text between delimiters
            line = text.rstrip("\r\n")
            if "\r" not in line and "\n" not in line:
                yield line.split(delimiter) if line else []
                continue
        try:
            yield next(csv.reader([text], dialect), [])
        except csv.Error as exc:
            yield UnreadableRow(f"the row is not CSV: {exc}")


@dataclass
class RowResult:
    """The outcome for one roster row: issued, skipped, or failed.

    Attributes:
        row: the row's number in the roster (the header is row 1, the first learner row 2).
        reference: a reference to the learner that holds no personal identity number
            (Ladok UID, ESI, the learner id, or ``row-N``).
        data: the credential as written to a file (JSON, or the JWT line), ``b""`` when the row
            was not issued. It is produced where the credential is signed, so that worker
            processes hand back bytes, not objects.
        credential_id: the credential's ``id``.
        error: why the row could not be issued (``None`` unless it failed).
        skipped: why the row was deliberately not issued although nothing is wrong with it (a
            result that is not a pass); ``None`` unless skipped.
        status_index: the credential's index in the batch's status lists, when it has one.
    """

    row: int
    reference: str
    data: bytes = b""
    credential_id: str | None = None
    error: str | None = None
    skipped: str | None = None
    status_index: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the row was issued."""
        return self.error is None and self.skipped is None

    @property
    def outcome(self) -> Literal["issued", "skipped", "failed"]:
        """``"issued"``, ``"skipped"`` or ``"failed"``."""
        if self.error is not None:
            return "failed"
        return "skipped" if self.skipped is not None else "issued"

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


def _cells(row: Mapping[str, Any], columns: Columns | None = None) -> dict[str, str]:
    """The row's non-blank cells by field name (headers mapped through ``columns``); a field
    whose cell is blank is absent, and ``""`` under ``"grade"`` says the grade cell is blank."""
    return _cells_by(row, _wanted(columns or _columns_of(row)))


def _wanted(columns: Columns) -> dict[str, str]:
    """Header → field, for each header as the roster spells it and in its normal form."""
    wanted = {_normal(header): name for name, header in columns.fields.items()}
    wanted.update({header: name for name, header in columns.fields.items()})
    return wanted


def _cells_by(row: Mapping[str, Any], wanted: Mapping[str, str]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for key, value in row.items():
        if key is None or value is None:
            continue
        name = wanted.get(key) if isinstance(key, str) else None
        if name is None:
            name = wanted.get(_normal(key))
            if name is None:
                continue
        text = str(value).strip()
        if text:
            cells[name] = text
        elif name == "grade":
            cells[name] = ""
    return cells


def _columns_of(row: Mapping[str, Any]) -> Columns:
    try:
        return recognise_columns(row.keys())
    except RosterError:
        return Columns({})


def learner_reference(row: Mapping[str, Any], number: int, columns: Columns | None = None) -> str:
    """A reference to the learner of ``row`` without personal identity numbers."""
    return _reference(_cells(row, columns), number)


def _reference(cells: Mapping[str, str], number: int) -> str:
    for column in ("ladok_uid", "esi", "id"):
        if cells.get(column):
            return cells[column]
    return f"row-{number}"


def _name(cells: Mapping[str, str]) -> str | None:
    if cells.get("name"):
        return cells["name"]
    parts = [cells[part] for part in ("given_name", "family_name") if cells.get(part)]
    return " ".join(parts) or None


def learner_from_row(row: Mapping[str, Any], columns: Columns | None = None) -> dict[str, Any]:
    """The Annex I ``learner`` object for a roster row (headers mapped as :func:`issue_many`
    maps them)."""
    return _learner(_cells(row, columns))


def _learner(cells: Mapping[str, str]) -> dict[str, Any]:
    learner: dict[str, Any] = {}
    name = _name(cells)
    if name:
        learner["name"] = name
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


_BLANK_GRADE = "the grade cell is blank (the template's grade is never used in its place)"
_DATE_HELP = "expected ISO 8601: ÅÅÅÅ-MM-DD (e.g. 2026-06-10) or a date-time"


def _a_date(value: str, column: str) -> str:
    """``value`` as an ISO 8601 date (``awarded``): a date, or a date-time's date."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a date: {_DATE_HELP}") from None


def _a_moment(value: str, column: str) -> str:
    """``value`` as an ISO 8601 date-time (``issued``); a bare date is its midnight UTC."""
    try:
        return f"{date.fromisoformat(value).isoformat()}T00:00:00Z"
    except ValueError:
        pass
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a date-time: {_DATE_HELP}") from None
    return value


def _form_for(template: Mapping[str, Any], cells: Mapping[str, str], now: str) -> dict[str, Any]:
    form = dict(template)
    form["learner"] = _learner(cells)
    if "grade" in cells:
        grade = dict(form.get("grade") or {})
        grade["value"] = cells["grade"]
        form["grade"] = grade
    if cells.get("awarded"):
        form["awarded"] = _a_date(cells["awarded"], "awarded")
    if cells.get("issued"):
        form["issued"] = _a_moment(cells["issued"], "issued")
    else:
        form["issued"] = form.get("issued") or now
    return form


def _check_template_grade(template: Mapping[str, Any], columns: Columns, allowed: bool) -> None:
    grade = template.get("grade")
    if "grade" in columns.fields or allowed or not isinstance(grade, Mapping):
        return
    if grade.get("value"):
        raise RosterError(
            f"the roster has no grade column ({columns.describe()}): the template's grade "
            f"{grade['value']!r} is given to every learner only if the issuer says so "
            "(batch-issue --template-grade; template_grade=True), else map the grade column "
            "with --column grade=HEADER"
        )


def _grade(form: dict[str, Any]) -> bool | None:
    """Normalise the form's grade to its scale's spelling; whether it is a pass (``None``: no
    grade, or a scale microcred does not know)."""
    from .model.presets import se

    grade = form.get("grade")
    if not isinstance(grade, Mapping) or "value" not in grade:
        return None
    if not str(grade.get("value") or "").strip():
        raise ValueError(
            "the grade cell is blank (the template's grade is never used in its place)"
        )
    if not grade.get("scale"):
        return None
    try:
        scale = se.scale(str(grade["scale"]))
    except ValueError:
        return None  # a scale microcred does not know: the grade is kept as given
    value = se.check_grade(str(grade["value"]), str(grade["scale"]))
    form["grade"] = {**grade, "value": value}
    return value in scale.passing


@dataclass
class _Job:
    """What every row of one batch shares (sent to each worker process once)."""

    template: Mapping[str, Any]
    key_jwk: dict[str, Any]
    options: dict[str, Any]
    key: KeyPair | None = None

    def __getstate__(self) -> dict[str, Any]:
        # the loaded key stays in the process that loaded it: a copy sent to another
        # process (a Dask worker handing the job to another) loads it again from the JWK
        return {**self.__dict__, "key": None}

    def signing_key(self) -> KeyPair:
        if self.key is None:
            self.key = KeyPair.from_jwk(self.key_jwk)
        return self.key


@dataclass(frozen=True)
class _Item:
    """A row on its way to signing: its number, cells, what the roster rules found wrong with
    it (``problem``), and its status-list index."""

    number: int
    cells: dict[str, str]
    problem: str | None = None
    status_index: int | None = None


def _one(item: _Item, job: _Job) -> RowResult:
    number, reference = item.number, _reference(item.cells, item.number)
    if item.problem is not None:
        return RowResult(number, reference, error=item.problem)
    options = job.options
    try:
        key = job.signing_key()
        form = _form_for(job.template, item.cells, options["now"])
        passed = _grade(form)
        if passed is False and not options["include_failing"]:
            value, scale = form["grade"]["value"], form["grade"]["scale"]
            why = f"grade {value} is not a pass on the {scale} scale"
            return RowResult(number, reference, skipped=why)
        micro = MicroCredential.model_validate(form)
        seed = options.get("seed")
        with warnings.catch_warnings():  # said once for the batch, not once per row
            warnings.simplefilter("ignore", ReversibleIdentityWarning)
            unsigned = micro.to_ob3(
                issuer_id=key.did,
                today=options["today"],
                credential_id=_seeded_id(seed, number) if seed else None,
                salt=_seeded_salt(seed, number) if seed else None,
                identity=options["identity"],
            ).to_json()
        if item.status_index is not None and options.get("status_entries"):
            unsigned["credentialStatus"] = _status_for(options["status_entries"], item.status_index)
        signing: dict[str, Any] = {"format": options["format"]}
        if options["suite"]:
            signing["suite"] = options["suite"]
        if options["format"] == "di":
            signing["created"] = options["now"]
        if options.get("mandatory_pointers") is not None:
            signing["mandatory_pointers"] = options["mandatory_pointers"]
        credential = issue(unsigned, key, **signing)
        return RowResult(number, reference, _serialize(credential), unsigned.get("id"),
                         status_index=item.status_index)  # fmt: skip
    except Exception as exc:  # a bad row is reported, never fatal for the batch
        return RowResult(number, reference, error=_reason(exc))


def _status_for(urls: Sequence[tuple[str, str]], index: int) -> Any:
    """The credentialStatus at ``index``: one entry (an object, as Open Badges 3.0 allows one)
    or, with a suspension list too, both."""
    from .status import status_entries

    by_purpose = dict(urls)
    entries = status_entries(index, by_purpose["revocation"], by_purpose.get("suspension"))
    return entries[0] if len(entries) == 1 else entries


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


def _chunk_in_worker(chunk: list[_Item]) -> list[RowResult]:
    assert _WORKER_JOB is not None
    return _chunk_with(chunk, _WORKER_JOB)


def _chunk_with(chunk: list[_Item], job: _Job) -> list[RowResult]:
    return [_one(item, job) for item in chunk]


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


_IDENTITY_COLUMNS = {
    "national_id": "personal number",
    "email": "e-mail",
    "ladok_uid": "Ladok UID",
    "esi": "ESI",
    "id": "id",
}


def _identity_key(column: str, value: str, today: date | None) -> str:
    """What makes two cells of ``column`` the same learner (a personal number in any spelling,
    an e-mail in any case). Kept in memory only, never reported."""
    if column == "national_id":
        from .model.presets import se

        try:
            return se.parse_personal_number(value, today=today).canonical
        except ValueError:
            return re.sub(r"\D", "", value)[-10:] or value
    return value.strip().lower() if column != "id" else value.strip()


class _Seen:
    """The first row of each identity key, compactly: a 64-bit hash of the key and the row
    number in an open-addressing table (12 bytes a slot, at most three quarters full), so a
    million rows of three identities take about 50 MB. Two different keys with the same hash
    (about one chance in 10^7 for a million-row roster) would be reported as the same
    learner: a failed row, never a credential issued twice."""

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._count = 0
        self._keys = array("Q", bytes(8 * capacity))
        self._rows = array("I", bytes(4 * capacity))

    def __len__(self) -> int:
        return self._count

    def first(self, key: str, row: int) -> int:
        """The row ``key`` was first seen in (``row`` when it is new: it is recorded)."""
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
        code = int.from_bytes(digest, "little") or 1  # 0 marks an empty slot
        keys, mask = self._keys, len(self._keys) - 1
        slot = code & mask
        while True:
            found = keys[slot]
            if found == code:
                return self._rows[slot]
            if found == 0:
                break
            slot = (slot + 1) & mask
        keys[slot] = code
        self._rows[slot] = row
        self._count += 1
        if self._count * 4 > len(keys) * 3:
            self._grow()
        return row

    def _grow(self) -> None:
        old_keys, old_rows = self._keys, self._rows
        capacity = 2 * len(old_keys)
        keys, rows = array("Q", bytes(8 * capacity)), array("I", bytes(4 * capacity))
        mask = capacity - 1
        for code, row in zip(old_keys, old_rows, strict=True):
            if code:
                slot = code & mask
                while keys[slot]:
                    slot = (slot + 1) & mask
                keys[slot] = code
                rows[slot] = row
        self._keys, self._rows = keys, rows


@dataclass
class _Screen:
    """The roster rules that need every row (run in the parent process, in row order, over
    the rows skipped on resuming too, so that a learner issued earlier is still found)."""

    today: date | None
    seen: _Seen = field(default_factory=_Seen)

    def problem(self, number: int, cells: Mapping[str, str]) -> str | None:
        twin: tuple[int, str] | None = None
        for column in _IDENTITY_COLUMNS:
            if not cells.get(column):
                continue
            key = f"{column}\0{_identity_key(column, cells[column], self.today)}"
            first = self.seen.first(key, number)
            if first != number and twin is None:
                twin = (first, column)
        if twin is not None:
            return (f"the same learner as row {twin[0]} (the same {_IDENTITY_COLUMNS[twin[1]]}): "
                    "a learner is not issued twice")  # fmt: skip
        if not _name(cells):
            return "the learner's name is blank"
        if cells.get("grade") == "":
            return _BLANK_GRADE
        return None


def _prepare(
    rows: Iterable[Mapping[str, Any]],
    template: MicroCredential | Mapping[str, Any],
    key: KeyPair,
    options: dict[str, Any],
    first_row: int,
    skip: Iterable[int],
    columns: Columns | Mapping[str, str] | None,
    status: StatusLists | None,
) -> tuple[_Job, Iterator[_Item]]:
    if not key.has_private_key:
        raise ValueError("the issuer key has no private part")
    if isinstance(options.get("mandatory_pointers"), str):
        raise TypeError("mandatory_pointers must be a list of JSON pointers, not one string")
    base = template.to_json() if isinstance(template, MicroCredential) else dict(template)
    base.pop("learner", None)
    try:
        check_form(base, without_learner=True)
    except FormError as exc:
        raise RosterError(
            "the template is not an Annex I form without a learner:\n" + "\n".join(exc.problems)
        ) from None
    options["now"] = options.get("now") or now_iso()
    if status is not None:
        options["status_entries"] = status.urls()
    job = _Job(base, key.private_jwk(), options)

    def first(mapped: Columns) -> None:
        _check_template_grade(base, mapped, options["template_grade"])

    screen = _Screen(options["today"])
    skipped = skip if isinstance(skip, AbstractSet) else set(skip)
    return job, _items(rows, first_row, skipped, columns, screen, status, first)


def _items(
    rows: Iterable[Mapping[str, Any]],
    first_row: int,
    skipped: AbstractSet[int],
    columns: Columns | Mapping[str, str] | None,
    screen: _Screen,
    status: StatusLists | None,
    first: Callable[[Columns], None],
) -> Iterator[_Item]:
    wanted: dict[str, str] | None = None
    for number, row in enumerate(rows, start=first_row):
        if isinstance(row, UnreadableRow):
            if number not in skipped:
                yield _Item(number, {}, f"unreadable: {row.reason}")
            continue
        if wanted is None:  # the first row's headers are the roster's
            if isinstance(columns, Columns):
                mapped = columns
            else:
                mapped = recognise_columns(row.keys(), columns)
            first(mapped)
            wanted = _wanted(mapped)
        cells = _cells_by(row, wanted)
        problem = screen.problem(number, cells)
        if number in skipped:
            continue
        index = status.allocate() if status is not None and problem is None else None
        yield _Item(number, cells, problem, index)


class StatusLists:
    """The status lists a batch's credentials get an entry in: one index per credential,
    random and unused (:func:`microcred.status.allocate_index`), the same in every list.

    Args:
        revocation: the URL the revocation list is published at.
        suspension: the URL of a suspension list too (the credential then carries two
            entries: VC 2.0 allows it, the Open Badges 3.0 schema allows one).
        used: indexes already given (an earlier run's manifest ``status_index`` values).
        size: entries per list (default and minimum: the specification's 131,072).

    Raises:
        ValueError: a URL that is not http(s), the same URL twice, or a list too short.
    """

    def __init__(
        self,
        revocation: str,
        suspension: str | None = None,
        *,
        used: Iterable[int] = (),
        size: int | None = None,
    ) -> None:
        from .status import MIN_LIST_BITS, status_entries

        status_entries(0, revocation, suspension)  # checks the URLs
        self._urls = [("revocation", revocation)]
        if suspension is not None:
            self._urls.append(("suspension", suspension))
        self.size = MIN_LIST_BITS if size is None else size
        if self.size < MIN_LIST_BITS:
            raise ValueError(f"a status list has at least {MIN_LIST_BITS} entries")
        self.used: set[int] = set(used)

    def urls(self) -> list[tuple[str, str]]:
        """The ``(purpose, url)`` pairs, revocation first."""
        return list(self._urls)

    def allocate(self) -> int:
        """A random index not given before (``ValueError`` when the list is full)."""
        from .status import allocate_index

        index = allocate_index(self.used, self.size)
        self.used.add(index)
        return index


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
    columns: Columns | Mapping[str, str] | None = None,
    include_failing: bool = False,
    template_grade: bool = False,
    status: StatusLists | None = None,
    identity: IdentityPolicy | None = None,
) -> Generator[RowResult, None, None]:
    """Issue one credential per roster row; yields a :class:`RowResult` per row, in order.

    Every row is checked against the roster rules (see the module docstring); a row that
    breaks one is a failed result naming the reason, a result that is not a pass is skipped.
    Closing the generator early stops the batch: with ``workers`` > 1, chunks not yet started
    are dropped and the ones being signed are awaited.

    Args:
        rows: roster rows (header → value), in roster order: any iterable, read as the batch
            goes (a :func:`read_roster`, a :class:`csv.DictReader`, a list); an
            :class:`UnreadableRow` among them is a failed row with its reason.
        template: the Annex I form without ``learner`` (a mapping or a MicroCredential).
        key: the issuer's signing key; its DID is the issuer id unless the template names one.
        format: ``"di"`` (Data Integrity proof) or ``"jwt"``.
        suite: the Data Integrity suite (default by key type).
        workers: processes to sign in (``1``: in this process).
        first_row: the number of the first row (2 for a CSV file with a header).
        skip: row numbers not to issue (already issued: resuming a batch). They are still
            read, so that a second row of a learner issued earlier is found. A set (any
            :class:`collections.abc.Set`) is used as it is, anything else is copied into one.
        today: reference date for two-digit-year personal numbers.
        seed: make the output reproducible: credential ids (and, with a ``"salted"``
            identity, the salts) are derived from ``seed`` and the row number (keep the seed
            secret). Without it they are random.
        issued_at: the moment of issuing (ISO 8601): each credential's ``issued`` unless the
            template or the row gives one, and its proof's ``created`` (default: now).
        mandatory_pointers: with ``suite="ecdsa-sd-2023"``, what every disclosure of the
            credentials must reveal (see :func:`microcred.issue`).
        columns: a :class:`Columns`, or field → header for headers microcred does not
            recognise (default: recognised from the first row's headers).
        include_failing: issue results that are not a pass on their scale too.
        template_grade: when the roster has no grade column, give every learner the
            template's grade (without it, such a template is an error on every row).
        status: give every credential a status entry (:class:`StatusLists`); the index is in
            :attr:`RowResult.status_index`.
        identity: whether the personal number and e-mail go into the credentials (default:
            neither; see :class:`microcred.model.identity.IdentityPolicy`). A ``"salted"``
            choice warns once (:class:`~microcred.model.identity.ReversibleIdentityWarning`).

    Raises:
        ValueError: ``workers`` < 1 or the key has no private part (misuse); bad rows are
            reported in their RowResult instead.
        RosterError: (before the first result) the template is not an Annex I form without
            a learner, no column identifies the learner, or ``columns`` names an unknown field
            or header.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    options = _options(format, suite, today, seed, issued_at, mandatory_pointers,
                       include_failing, template_grade, identity)  # fmt: skip
    job, items = _prepare(rows, template, key, options, first_row, skip, columns, status)
    if workers == 1:
        for item in items:
            yield _one(item, job)
        return
    chunk_size = 16
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(job,)
    ) as pool:
        pending: list[Any] = []
        chunk: list[_Item] = []
        try:
            for item in items:
                chunk.append(item)
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


def _options(
    format: str,
    suite: str | None,
    today: date | None,
    seed: str | None,
    issued_at: str | None,
    mandatory_pointers: Sequence[str] | None,
    include_failing: bool,
    template_grade: bool,
    identity: IdentityPolicy | None,
) -> dict[str, Any]:
    if identity is not None and "salted" in (identity.national_id, identity.email):
        which = [n for n, m in (("personal number", identity.national_id),
                                ("e-mail", identity.email)) if m == "salted"]  # fmt: skip
        warnings.warn(
            ReversibleIdentityWarning(
                f"every credential of the batch carries a salted SHA-256 hash of the "
                f"learner's {' and '.join(which)}: anyone holding one can recover the value "
                "by trying every candidate (seconds for a personal identity number)"
            ),
            stacklevel=3,
        )
    options: dict[str, Any] = {
        "identity": identity,
        "format": format,
        "suite": suite,
        "today": today,
        "now": issued_at,
        "seed": seed,
        "include_failing": include_failing,
        "template_grade": template_grade,
    }
    if mandatory_pointers is not None:
        options["mandatory_pointers"] = (
            mandatory_pointers if isinstance(mandatory_pointers, str) else list(mandatory_pointers)
        )
    return options


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
    chunk_size: int = 1024,
    in_flight: int | None = None,
    columns: Columns | Mapping[str, str] | None = None,
    include_failing: bool = False,
    template_grade: bool = False,
    status: StatusLists | None = None,
    identity: IdentityPolicy | None = None,
) -> Iterator[RowResult]:
    """:func:`issue_many` on a Dask cluster (the ``dask`` extra): the same rows, the same
    rules, the same results, in order.

    ``client`` is a ``distributed.Client``. The template and key travel with every task as a
    few pickled kilobytes, and each worker process unpickles them and loads the key once for
    the batch (forgotten when the batch ends). The roster goes in chunks of 32 rows at first,
    growing with the rows read up to ``chunk_size`` (a task costs milliseconds of scheduling
    and transfer: few tasks for a long roster); the rows are read ahead by one chunk a worker
    thread, so that once the roster ends its last rows go in chunks that shrink down to 16 rows
    (no worker is left idle while another signs a long chunk). At most ``in_flight`` chunks
    are unfinished (default: two per worker thread and two more; another goes as soon as any
    is done) and twice that many held, so memory stays flat however long the roster is.

    Raises:
        ValueError: ``chunk_size`` or ``in_flight`` below 1, or as :func:`issue_many`.
        RosterError: as :func:`issue_many`.
    """
    if chunk_size < 1 or (in_flight is not None and in_flight < 1):
        raise ValueError("chunk_size and in_flight must be at least 1")
    options = _options(format, suite, today, seed, issued_at, None, include_failing,
                       template_grade, identity)  # fmt: skip
    job, items = _prepare(rows, template, key, options, first_row, skip, columns, status)
    threads = sum(client.nthreads().values()) or 1
    if in_flight is None:
        in_flight = 2 * threads + 2
    batch, packed = uuid.uuid4().hex, pickle.dumps(job)
    pending: deque[Any] = deque()
    try:
        for chunk in _dask_chunks(items, threads, chunk_size):
            # rows and results cross the cluster as one pickle a chunk: the scheduler and
            # the workers' event loops pass bytes on, the pickling is the worker thread's
            rows_pickled = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
            pending.append(client.submit(_dask_chunk, batch, packed, rows_pickled, pure=False))
            yield from _dask_ready(pending, in_flight)
        while pending:
            yield from pickle.loads(pending.popleft().result())
    finally:
        for future in pending:  # the caller stopped early: what is not signed yet is dropped
            future.cancel()
        with contextlib.suppress(Exception):  # a cluster already gone holds no key
            client.run(_dask_forget, batch)


def _dask_ready(pending: deque[Any], in_flight: int) -> Iterator[RowResult]:
    """The results of the chunks done at the head of ``pending``, waiting (for any chunk, not
    the oldest: a long chunk at the head must not leave the other workers without work) while
    ``in_flight`` chunks are still being signed, or twice that many are held."""
    import distributed

    wait: Callable[..., Any] = distributed.wait  # untyped in distributed
    while True:
        while pending and pending[0].done():
            yield from pickle.loads(pending.popleft().result())
        signing = [future for future in pending if not future.done()]
        if len(signing) < in_flight and len(pending) < 2 * in_flight:
            return
        wait(signing or [pending[0]], return_when="FIRST_COMPLETED")


_SMALLEST_CHUNK = 16


def _dask_chunks(items: Iterator[_Item], threads: int, largest: int) -> Iterator[list[_Item]]:
    """The rows in chunks for a cluster of ``threads`` worker threads: 32 rows at first, then
    the rows read over twice the threads (up to ``largest``); the rows are read ahead by one
    chunk a thread, and once the roster ends what is left goes in chunks of what is left over
    twice the threads, down to 16 rows (guided self-scheduling: the workers finish together).
    """
    ahead: deque[_Item] = deque()
    read, ended = 0, False
    while True:
        size = max(1, min(largest, max(2 * _SMALLEST_CHUNK, read // (2 * threads))))
        while not ended and len(ahead) < size * (threads + 1):
            item = next(items, None)
            if item is None:
                ended = True
            else:
                ahead.append(item)
                read += 1
        if ended:
            if not ahead:
                return
            size = max(1, min(size, max(_SMALLEST_CHUNK, -(-len(ahead) // (2 * threads)))))
        yield [ahead.popleft() for _ in range(min(size, len(ahead)))]


_DASK_JOBS: dict[str, _Job] = {}  # in a worker process: the batches it signs for, by id


def _dask_chunk(batch: str, packed: bytes, chunk: bytes) -> bytes:
    """Sign one pickled chunk on a Dask worker, its results pickled (the batch's job
    unpickled and its key loaded once a worker process)."""
    job = _DASK_JOBS.get(batch)
    if job is None:
        job = pickle.loads(packed)  # the bytes this batch's client pickled
        while len(_DASK_JOBS) >= 8:  # batches whose end was never said (a lost client)
            _DASK_JOBS.pop(next(iter(_DASK_JOBS)), None)
        _DASK_JOBS[batch] = job
    results = _chunk_with(pickle.loads(chunk), job)  # the rows this batch's client pickled
    return pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)


def _dask_forget(batch: str) -> None:
    """Drop a finished batch's job (and its private key) from a Dask worker."""
    _DASK_JOBS.pop(batch, None)
