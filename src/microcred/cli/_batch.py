"""``microcred batch-issue``: one credential per roster row, resumable, with a manifest."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import signal
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import IO, Any, TextIO

from ..errors import MicrocredError
from ._common import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, CliError, write_new_file
from ._identity import add_identity_arguments, identity_policy, reporting_identity_warnings
from ._io import read_input, read_json_file, read_key

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
        "writes it.\n\n" + _fields_help() + "\n\n" + _RULES,
        epilog="Exit codes: 0 every row issued or skipped as not a pass, 1 some rows failed, "
        "2 usage or unreadable input.",
    )
    parser.add_argument("roster", metavar="ROSTER.csv")
    parser.add_argument("--template", required=True, metavar="TEMPLATE.json")
    parser.add_argument("--key", required=True, metavar="KEY.json")
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
    parser.add_argument("--force", action="store_true", help="re-issue and overwrite every row")
    add_identity_arguments(parser)
    parser.set_defaults(handler=run)


def _text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise CliError(f"roster {path} is neither UTF-8 nor Windows-1252 text") from None
    print(f"roster {path} is not UTF-8: read as Windows-1252", file=sys.stderr)
    return text


def _rows(path: str) -> tuple[list[str], list[dict[str, str]]]:
    """The roster's header and rows (the delimiter sniffed among ``,``, ``;`` and tab)."""
    text = _text(read_input(path), path)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
        headers = list(reader.fieldnames or [])
        if not headers:
            raise CliError(f"roster {path} has no header row")
        return headers, list(reader)
    except csv.Error as exc:
        raise CliError(f"roster {path} is not CSV: {exc}") from None


def _column_overrides(items: list[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for item in items:
        name, sep, header = item.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise CliError(f"--column {item!r}: expected FIELD=HEADER (e.g. grade=Betyg)")
        overrides[name.strip()] = header.strip()
    return overrides


def _done(out_dir: Path) -> dict[int, dict[str, Any]]:
    manifest = out_dir / MANIFEST
    done: dict[int, dict[str, Any]] = {}
    if not manifest.exists():
        return done
    for line in manifest.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("row"), int)
            and (out_dir / str(entry.get("file", ""))).is_file()
        ):
            done[entry["row"]] = entry
    return done


def _file_name(row: int, reference: str, fmt: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", reference)[:60].strip("-") or "learner"
    return f"{row:05d}-{slug}.{'jwt' if fmt == 'jwt' else 'json'}"


class _Progress:
    """A rich progress bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.started = time.monotonic()
        self.count = 0
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
        elif self.count == self.total or self.count % max(1, self.total // 10) == 0:
            remaining = (self.total - self.count) / rate if rate else 0.0
            print(
                f"rows done {self.count}/{self.total} ({rate:.1f}/s, about {remaining:.0f} s left)",
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


def _status_lists(
    args: argparse.Namespace, out_dir: Path, done: dict[int, dict[str, Any]], key: Any
) -> Any:
    """The batch's status lists: the lists written to DIR when new (an existing one is kept
    as it is: it may hold revocations made since), the indexes already given."""
    from ..batch import StatusLists

    if args.suspension_list and not args.status_list:
        raise CliError("--suspension-list needs --status-list")
    if not args.status_list:
        return None
    used = [e["status_index"] for e in done.values() if isinstance(e.get("status_index"), int)]
    lists = StatusLists(args.status_list, args.suspension_list, used=used)
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
    from ..batch import RosterError, issue_many, recognise_columns
    from ..model.eu import FormError, check_form

    template = read_json_file(args.template, "template")
    if not isinstance(template, dict):
        raise CliError(f"template {args.template} must be a JSON object (the Annex I form)")
    try:
        check_form(template, without_learner=True)
    except FormError as exc:
        problems = "\n".join(f"  {line}" for line in exc.problems)
        raise CliError(f"template {args.template} is not an Annex I form:\n{problems}") from None
    key = read_key(args.key)
    headers, rows = _rows(args.roster)
    try:
        columns = recognise_columns(headers, _column_overrides(args.column))
    except RosterError as exc:
        raise CliError(f"roster {args.roster}: {exc}") from None
    print(columns.describe(), file=sys.stderr)
    out_dir = Path(args.out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create {out_dir}: {exc.strerror}") from None
    done = {} if args.force else _done(out_dir)
    try:
        status = _status_lists(args, out_dir, done, key)
    except (MicrocredError, ValueError) as exc:
        raise CliError(str(exc)) from None
    todo = [n for n in range(2, len(rows) + 2) if n not in done]
    print(
        f"{len(rows)} roster rows; {len(done)} already issued; {len(todo)} to do",
        file=sys.stderr,
    )
    progress = _Progress(len(todo), sys.stderr)
    counts = {"issued": 0, "skipped": 0, "failed": 0}
    mode = "w" if args.force else "a"
    stop, interrupted = _StopOnInterrupt(), False
    try:
        with stop, (out_dir / MANIFEST).open(mode, encoding="utf-8") as manifest:
            results = issue_many(
                rows,
                template,
                key,
                format=args.format,
                suite=args.suite,
                workers=args.workers,
                skip=done,
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
