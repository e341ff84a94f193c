"""Shared pieces of the CLI commands."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "add_output_arguments",
    "datetime_option",
    "write_new_file",
    "write_output",
]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C (128 + SIGINT), as shells report it


def add_output_arguments(parser: Any) -> None:
    """``-o/--output OUT`` (default: standard output) and ``--force`` (overwrite OUT), for
    commands that write one document through :func:`write_output`."""
    parser.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    parser.add_argument("--force", action="store_true", help="overwrite OUT if it exists")


class CliError(Exception):
    """A user-facing CLI failure with its exit code (default 2: usage / unreadable input)."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def write_new_file(path: Path, data: bytes, *, force: bool, private: bool = False) -> None:
    """Write ``data`` to ``path``; refuse to replace an existing file unless ``force``.

    ``private`` files are created with mode 0600 (owner read/write only).
    """
    if path.exists() and not force:
        raise CliError(f"{path} exists; use --force to overwrite it")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        fd = os.open(path, flags, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None


def write_output(text: str, output: str | None, *, force: bool) -> None:
    """Write ``text`` to the file ``output`` (never replacing one unless ``force``), or to
    standard output when ``output`` is ``None``."""
    if output:
        write_new_file(Path(output), text.encode("utf-8"), force=force)
    else:
        sys.stdout.write(text)


def datetime_option(value: str, option: str) -> datetime:
    """The ISO 8601 date-time an option was given (``--now``, ``--iat``, ``--created``), in UTC.

    Raises:
        CliError: ``value`` is not a date-time (the message names ``option``).
    """
    from .._vc import parse_datetime  # not at import: every command, --version too, loads this

    moment = parse_datetime(value)
    if moment is None:
        raise CliError(f"{option} {value!r} is not an ISO 8601 date-time")
    return moment.astimezone(timezone.utc)
