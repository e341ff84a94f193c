"""``microcred batch-issue``: one credential per roster row, resumable, with a manifest."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from ..errors import MicrocredError
from ._common import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, CliError, write_new_file
from ._io import read_input, read_json_file, read_key

__all__ = ["MANIFEST", "register"]

MANIFEST = "manifest.jsonl"


def register(sub: Any) -> None:
    """Add the ``batch-issue`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "batch-issue",
        help="issue one micro-credential per row of a course roster (CSV)",
        description="Issue one credential per ROSTER.csv row from TEMPLATE.json (the Annex I "
        "form without 'learner'). Writes one file per learner and manifest.jsonl to DIR. A "
        "bad row is reported with its row number while the others are issued; re-running "
        "skips rows already in the manifest.",
        epilog="Exit codes: 0 every row issued, 1 some rows failed, 2 usage or unreadable input.",
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
    parser.add_argument("--force", action="store_true", help="re-issue and overwrite every row")
    parser.set_defaults(handler=run)


def _rows(path: str) -> list[dict[str, str]]:
    data = read_input(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"roster {path} is not UTF-8 text") from None
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise CliError(f"roster {path} has no header row")
    return list(reader)


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
                TextColumn("issuing"),
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
                f"issued {self.count}/{self.total} ({rate:.1f}/s, about {remaining:.0f} s left)",
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


def run(args: argparse.Namespace) -> int:
    """Issue the roster; write files and the manifest; print a summary."""
    from ..batch import issue_many

    template = read_json_file(args.template, "template")
    if not isinstance(template, dict):
        raise CliError(f"template {args.template} must be a JSON object (the Annex I form)")
    key = read_key(args.key)
    rows = _rows(args.roster)
    out_dir = Path(args.out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create {out_dir}: {exc.strerror}") from None
    done = {} if args.force else _done(out_dir)
    todo = [n for n in range(2, len(rows) + 2) if n not in done]
    print(
        f"{len(rows)} roster rows; {len(done)} already issued; issuing {len(todo)}",
        file=sys.stderr,
    )
    progress = _Progress(len(todo), sys.stderr)
    issued = failed = 0
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
            )
            for result in results:
                if stop.requested:  # before anything of this row is written (it is redone)
                    results.close()
                    interrupted = True
                    break
                progress.advance()
                if not result.ok:
                    failed += 1
                    print(f"row {result.row}: not issued: {result.error}", file=sys.stderr)
                    continue
                name = _file_name(result.row, result.reference, args.format)
                # a file of this row without a manifest line is left by an interrupted run
                # (written, not yet recorded): it is replaced, and said so
                orphan = (out_dir / name).exists() and not args.force
                if orphan:
                    print(
                        f"row {result.row}: replacing {name} left by an interrupted run",
                        file=sys.stderr,
                    )
                write_new_file(out_dir / name, result.serialized(), force=args.force or orphan)
                entry = {
                    "row": result.row,
                    "learner": result.reference,
                    "file": name,
                    "credential_id": result.credential_id,
                    "sha256": result.sha256,
                }
                manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
                manifest.flush()
                issued += 1
    except (MicrocredError, ValueError) as exc:
        raise CliError(str(exc)) from None
    finally:
        progress.close()
    if interrupted:
        print(
            f"interrupted: {issued} issued, {failed} failed in this run; every issued "
            f"credential is in {out_dir / MANIFEST}; run the same command again to go on",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print(
        f"done: {issued} issued, {failed} failed, {len(done)} skipped (already issued); "
        f"manifest {out_dir / MANIFEST}",
        file=sys.stderr,
    )
    return EXIT_INVALID if failed else EXIT_OK
