"""``microcred batch-issue``: one credential per roster row, resumable, with a manifest."""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import IO, Any, TextIO

from ..errors import MicrocredError
from ._common import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, CliError, write_new_file
from ._identity import add_identity_arguments, identity_policy, reporting_identity_warnings
from ._io import read_json_file, read_key
from ._offer import add_batch_arguments

__all__ = ["MANIFEST", "STATUS_LIST", "SUSPENSION_LIST", "register"]

MANIFEST = "manifest.jsonl"
STATUS_LIST = "status-list.json"
SUSPENSION_LIST = "suspension-list.json"


def _fields_help() -> str:
    from ..batch import FIELDS, HEADERS

    lines = ["Roster columns (recognised by name; case, spaces, '_' and '-' do not matter):"]
    for name, meaning in FIELDS.items():
        others = [h for h in HEADERS.get(name, ()) if h != name.replace("_", " ")]
        text = f"{meaning}; also: {', '.join(others)}" if others else meaning
        lines += textwrap.wrap(
            text, 92, initial_indent=f"  {name:<20} ", subsequent_indent=" " * 23
        )
    return "\n".join(lines)


_RULES = """Roster rules (each broken rule is reported with the row number; the summary counts
issued, skipped and failed rows):
  - a blank name, a blank grade cell, a grade not on the template's scale, a date that is not
    ISO 8601 (YYYY-MM-DD), or a second row for the same learner (the same personal number,
    e-mail, Ladok UID, ESI or id) fail the row;
  - a result that is not a pass on its scale (U, F, FX) is skipped, unless --include-failing;
  - grades are written in the scale's spelling (vg -> VG);
  - without a grade column, the template's grade is used only with --template-grade."""


def register(sub: Any) -> None:
    """Add the ``batch-issue`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "batch-issue",
        help="issue one micro-credential per row of a course roster (CSV)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Issue one credential per ROSTER.csv row from TEMPLATE.json (the Annex I "
        "form without 'learner'). Writes one file per learner and manifest.jsonl to DIR. A "
        "bad row is reported with its row number while the others are issued; re-running "
        "skips rows already in the manifest. The roster may be comma-, semicolon- or "
        "tab-separated, UTF-8 (with or without BOM) or Windows-1252, as a Ladok export "
        "writes it; it is read a row at a time (no size limit; a row longer than "
        "--max-row-bytes is a failed row).\n\n" + _fields_help() + "\n\n" + _RULES,
        epilog="Exit codes: 0 every row issued or skipped as not a pass, 1 some rows failed, "
        "2 usage or unreadable input.",
    )
    parser.add_argument("roster", metavar="ROSTER.csv")
    parser.add_argument("--template", required=True, metavar="TEMPLATE.json")
    parser.add_argument("--key", metavar="KEY.json", help="the issuer's key (not with --offers)")
    parser.add_argument("--out-dir", required=True, metavar="DIR")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="signing processes")
    parser.add_argument("--format", choices=["di", "jwt"], default="di")
    parser.add_argument("--suite", help="Data Integrity suite (default by key type)")
    parser.add_argument(
        "--mandatory-pointer",
        action="append",
        metavar="POINTER",
        help="with --suite ecdsa-sd-2023: a JSON pointer every disclosure must reveal",
    )
    parser.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="read FIELD (see the list above) from the column HEADER (repeatable)",
    )
    parser.add_argument(
        "--include-failing",
        action="store_true",
        help="issue results that are not a pass on their scale too (default: skipped)",
    )
    parser.add_argument(
        "--template-grade",
        action="store_true",
        help="with no grade column, give every learner the template's grade",
    )
    parser.add_argument(
        "--status-list",
        metavar="URL",
        help="give every credential a revocation entry in the status list to publish at URL "
        f"(written to DIR/{STATUS_LIST}; revoke with 'microcred status revoke')",
    )
    parser.add_argument(
        "--suspension-list",
        metavar="URL",
        help="with --status-list: a suspension entry too, at the same index "
        f"(DIR/{SUSPENSION_LIST})",
    )
    parser.add_argument(
        "--max-row-bytes",
        type=int,
        default=None,
        metavar="N",
        help="the longest roster row read (default 65536 bytes); a longer one fails",
    )
    parser.add_argument("--force", action="store_true", help="re-issue and overwrite every row")
    add_identity_arguments(parser)
    add_batch_arguments(parser)  # --offers: docs/deliver-to-wallets.md
    parser.set_defaults(handler=run)


def _roster(path: str, max_row_bytes: int | None) -> Any:
    """The roster, opened to be read a row at a time."""
    from ..batch import MAX_ROW_BYTES, RosterError, read_roster

    limit = MAX_ROW_BYTES if max_row_bytes is None else max_row_bytes
    if limit < 1:
        raise CliError("--max-row-bytes must be at least 1")
    try:
        roster = read_roster(path, max_row_bytes=limit)
    except RosterError as exc:
        raise CliError(str(exc)) from None
    if roster.encoding == "cp1252":
        print(f"roster {path} is not UTF-8: read as Windows-1252", file=sys.stderr)
    return roster


def _line_count(path: str) -> int | None:
    """The roster's lines (a bound on its rows, for the progress), or ``None`` for standard
    input; counted in blocks, without holding the file."""
    if path == "-":
        return None
    count = 0
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                count += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return None
    return count + (1 if count == 0 or last != b"\n" else 0)


def _column_overrides(items: list[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for item in items:
        name, sep, header = item.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise CliError(f"--column {item!r}: expected FIELD=HEADER (e.g. grade=Betyg)")
        overrides[name.strip()] = header.strip()
    return overrides


class RowSet(AbstractSet[int]):
    """Row numbers as a bitmap: an eighth of a byte a row (a million rows: 125 KB)."""

    def __init__(self) -> None:
        self._bits = bytearray()
        self._count = 0

    def add(self, row: int) -> None:
        """Add ``row`` (a non-negative number)."""
        byte, bit = divmod(row, 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        if not self._bits[byte] >> bit & 1:
            self._bits[byte] |= 1 << bit
            self._count += 1

    def __contains__(self, row: object) -> bool:
        if not isinstance(row, int) or row < 0:
            return False
        byte, bit = divmod(row, 8)
        return byte < len(self._bits) and bool(self._bits[byte] >> bit & 1)

    def __iter__(self) -> Iterator[int]:
        for byte, value in enumerate(self._bits):
            if value:
                for bit in range(8):
                    if value >> bit & 1:
                        yield byte * 8 + bit

    def __len__(self) -> int:
        return self._count


class _Done:
    """What an earlier run's manifest says: the rows issued (their file still there) and
    the status-list indexes given."""

    def __init__(self) -> None:
        self.rows = RowSet()
        self.status_indexes: list[int] = []

    def __len__(self) -> int:
        return len(self.rows)


def _done(out_dir: Path) -> _Done:
    """The manifest read a line at a time (it may hold millions)."""
    manifest = out_dir / MANIFEST
    done = _Done()
    if not manifest.exists():
        return done
    try:
        with manifest.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if (
                    isinstance(entry, dict)
                    and isinstance(entry.get("row"), int)
                    and entry["row"] >= 0
                    and (out_dir / str(entry.get("file", ""))).is_file()
                ):
                    done.rows.add(entry["row"])
                    if isinstance(entry.get("status_index"), int):
                        done.status_indexes.append(entry["status_index"])
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {manifest}: {exc}") from None
    return done


def _file_name(row: int, reference: str, fmt: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", reference)[:60].strip("-") or "learner"
    return f"{row:05d}-{slug}.{'jwt' if fmt == 'jwt' else 'json'}"


class _Progress:
    """A rich progress bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int | None, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.started = time.monotonic()
        self.count = 0
        self._every = max(1, (total or 10_000) // 10)
        self._bar: Any = None
        self._task: Any = None
        if stream.isatty():
            try:
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                )
            except ImportError:  # pragma: no cover - rich is in the [cli] extra
                return
            self._bar = Progress(
                TextColumn("rows"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                transient=False,
            )
            self._task = self._bar.add_task("issue", total=total, rate="")
            self._bar.start()

    def advance(self) -> None:
        self.count += 1
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.count / elapsed
        if self._bar is not None:
            self._bar.update(self._task, advance=1, rate=f"{rate:.1f}/s")
        elif self.count % self._every == 0:
            if self.total is None or self.count >= self.total:
                print(f"rows done {self.count} ({rate:.1f}/s)", file=self.stream)
                return
            remaining = (self.total - self.count) / rate if rate else 0.0
            print(
                f"rows done {self.count} of about {self.total} ({rate:.1f}/s, about "
                f"{remaining:.0f} s left)",
                file=self.stream,
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


class _StopOnInterrupt:
    """While active, the first Ctrl-C (SIGINT) asks the batch to stop before its next row.

    A KeyboardInterrupt raised at an arbitrary point can land inside a finalizer, where Python
    prints and drops it, and the run would go on; a flag checked between rows cannot be lost.
    The first signal restores the previous handler, so a second Ctrl-C interrupts at once.
    Outside the main thread (where handlers cannot be set) it does nothing.
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = signal.SIG_DFL
        self._active = False

    def _handle(self, signum: int, frame: object) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, self._previous)

    def __enter__(self) -> _StopOnInterrupt:
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, self._handle)
            self._previous = signal.SIG_DFL if previous is None else previous
            self._active = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._active:
            signal.signal(signal.SIGINT, self._previous)


def _status_lists(args: argparse.Namespace, out_dir: Path, done: _Done, key: Any) -> Any:
    """The batch's status lists: the lists written to DIR when new (an existing one is kept
    as it is: it may hold revocations made since), the indexes already given."""
    from ..batch import StatusLists

    if args.suspension_list and not args.status_list:
        raise CliError("--suspension-list needs --status-list")
    if not args.status_list:
        return None
    lists = StatusLists(args.status_list, args.suspension_list, used=done.status_indexes)
    for (purpose, url), name in zip(lists.urls(), (STATUS_LIST, SUSPENSION_LIST), strict=False):
        _status_list_file(out_dir / name, url, purpose, key)
    if args.suspension_list:
        print(
            "warning: every credential gets two status entries (revocation and suspension): "
            "VC 2.0 allows it, the Open Badges 3.0 schema allows one",
            file=sys.stderr,
        )
    return lists


def _status_list_file(path: Path, url: str, purpose: str, key: Any) -> None:
    """Write the signed list for ``url`` to ``path``, unless it is there (then check it is the
    list of ``url`` for ``purpose``, issued by ``key``: it is kept as it is)."""
    from ..status import read_status_list, signed_status_list

    if path.exists():
        existing = read_status_list(read_json_file(str(path), "status list"))
        if existing.url != url or purpose not in existing.purposes:
            raise CliError(
                f"{path} is the {'/'.join(map(str, existing.purposes))} list of "
                f"{existing.url}, not the {purpose} list of {url}: give the URL it was made "
                "for, or another --out-dir"
            )
        if existing.issuer != key.did:
            raise CliError(f"{path} was issued by {existing.issuer}, not by the key's {key.did}")
        return
    signed = signed_status_list(url, key, purpose=purpose)
    write_new_file(path, (json.dumps(signed, indent=2) + "\n").encode(), force=False)
    print(f"wrote the {purpose} list {path}: publish it at {url}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Issue the roster; write files and the manifest; print a summary."""
    identity = identity_policy(args)
    with reporting_identity_warnings():
        return _run(args, identity)


def _run(args: argparse.Namespace, identity: Any) -> int:
    from ..batch import RosterError, recognise_columns
    from ..model.eu import FormError, check_form

    template = read_json_file(args.template, "template")
    if not isinstance(template, dict):
        raise CliError(f"template {args.template} must be a JSON object (the Annex I form)")
    try:
        check_form(template, without_learner=True)
    except FormError as exc:
        problems = "\n".join(f"  {line}" for line in exc.problems)
        raise CliError(f"template {args.template} is not an Annex I form:\n{problems}") from None
    if not args.offers and not args.key:
        raise CliError("--key KEY.json is required (unless --offers)")
    key = None if args.offers else read_key(args.key)
    roster = _roster(args.roster, args.max_row_bytes)
    try:
        columns = recognise_columns(roster.headers, _column_overrides(args.column))
    except RosterError as exc:
        roster.close()
        raise CliError(f"roster {args.roster}: {exc}") from None
    except CliError:
        roster.close()
        raise
    print(columns.describe(), file=sys.stderr)
    try:
        if args.offers:
            from ._offer import batch_offers

            return batch_offers(args, template, roster, columns)
        return _issue(args, identity, template, key, roster, columns)
    finally:
        roster.close()


def _issue(
    args: argparse.Namespace, identity: Any, template: Any, key: Any, roster: Any, columns: Any
) -> int:
    from ..batch import issue_many

    out_dir = Path(args.out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create {out_dir}: {exc.strerror}") from None
    done = _Done() if args.force else _done(out_dir)
    try:
        status = _status_lists(args, out_dir, done, key)
    except (MicrocredError, ValueError) as exc:
        raise CliError(str(exc)) from None
    lines = _line_count(args.roster)
    todo = None if lines is None else max(lines - 1 - len(done), 0)
    print(
        f"roster {args.roster}: {'' if lines is None else f'{lines} lines; '}"
        f"{len(done)} rows already issued",
        file=sys.stderr,
    )
    progress = _Progress(todo, sys.stderr)
    counts = {"issued": 0, "skipped": 0, "failed": 0}
    mode = "w" if args.force else "a"
    stop, interrupted = _StopOnInterrupt(), False
    try:
        with stop, (out_dir / MANIFEST).open(mode, encoding="utf-8") as manifest:
            results = issue_many(
                roster,
                template,
                key,
                format=args.format,
                suite=args.suite,
                workers=args.workers,
                skip=done.rows,
                mandatory_pointers=args.mandatory_pointer,
                columns=columns,
                include_failing=args.include_failing,
                template_grade=args.template_grade,
                status=status,
                identity=identity,
            )
            for result in results:
                if stop.requested:  # before anything of this row is written (it is redone)
                    results.close()
                    interrupted = True
                    break
                progress.advance()
                counts[result.outcome] += 1
                if result.error is not None:
                    print(f"row {result.row}: not issued: {result.error}", file=sys.stderr)
                    continue
                if result.skipped is not None:
                    print(f"row {result.row}: skipped: {result.skipped}", file=sys.stderr)
                    continue
                _record(result, args, out_dir, manifest)
    except (MicrocredError, ValueError) as exc:
        raise CliError(str(exc)) from None
    finally:
        progress.close()
    tally = f"{counts['issued']} issued, {counts['skipped']} skipped (not a pass), " \
        f"{counts['failed']} failed"  # fmt: skip
    if interrupted:
        print(
            f"interrupted: {tally} in this run; every issued credential is in "
            f"{out_dir / MANIFEST}; run the same command again to go on",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print(
        f"done: {tally}, {len(done)} already issued; manifest {out_dir / MANIFEST}",
        file=sys.stderr,
    )
    return EXIT_INVALID if counts["failed"] else EXIT_OK


def _record(result: Any, args: argparse.Namespace, out_dir: Path, manifest: IO[str]) -> None:
    """Write an issued row's file, then its manifest line."""
    name = _file_name(result.row, result.reference, args.format)
    # a file of this row without a manifest line is left by an interrupted run (written,
    # not yet recorded): it is replaced, and said so
    orphan = (out_dir / name).exists() and not args.force
    if orphan:
        print(f"row {result.row}: replacing {name} left by an interrupted run", file=sys.stderr)
    write_new_file(out_dir / name, result.serialized(), force=args.force or orphan)
    entry: dict[str, Any] = {
        "row": result.row,
        "learner": result.reference,
        "file": name,
        "credential_id": result.credential_id,
        "sha256": result.sha256,
    }
    if result.status_index is not None:
        entry["status_index"] = result.status_index
    manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
    manifest.flush()
