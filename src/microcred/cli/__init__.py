"""The ``microcred`` command: a thin shell over the public API.

Exit codes (the same for every command): 0 = every input verified/valid or the action
succeeded; 1 = at least one input invalid or indeterminate; 2 = usage error or unreadable
input. Bad input never produces a traceback (set ``MICROCRED_DEBUG=1`` to see one for a bug).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Sequence

from .._version import __version__
from ..errors import MicrocredError
from . import (
    _annex,
    _bake,
    _batch,
    _demo,
    _derive,
    _did_document,
    _issue,
    _keygen,
    _serve,
    _status,
    _validate,
    _verify,
)
from ._common import EXIT_INTERRUPTED, EXIT_USAGE, CliError

__all__ = ["main"]

_COMMANDS = (
    _demo,
    _keygen,
    _did_document,
    _issue,
    _derive,
    _verify,
    _validate,
    _annex,
    _batch,
    _status,
    _bake,
    _serve,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="microcred",
        description=(
            "Issue, verify and validate Open Badges 3.0 / CLR 2.0 verifiable credentials "
            "for EU micro-credentials. Offline unless told otherwise."
        ),
        epilog="Exit codes: 0 ok, 1 invalid or indeterminate, 2 usage or unreadable input.",
    )
    parser.add_argument("--version", action="version", version=f"microcred {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2)
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = args.handler(args)
        return code
    except CliError as exc:
        print(f"microcred {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except MicrocredError as exc:
        print(f"microcred {args.command}: error [{exc.code}]: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("microcred: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`microcred demo | head`): stop quietly
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stdout
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so plainly, no traceback unless asked
        if os.environ.get("MICROCRED_DEBUG"):
            traceback.print_exc()
        print(
            f"microcred {args.command}: internal error ({type(exc).__name__}: {exc}); "
            "please report it (MICROCRED_DEBUG=1 shows details)",
            file=sys.stderr,
        )
        return EXIT_USAGE


def entry() -> None:  # pragma: no cover - exercised through the console script
    """Console-script entry point."""
    sys.exit(main())
