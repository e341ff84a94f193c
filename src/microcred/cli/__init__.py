"""The ``microcred`` command: a thin shell over the public API.

Exit codes (the same for every command): 0 = every input verified/valid or the action
succeeded; 1 = at least one input invalid or indeterminate; 2 = usage error or unreadable
input. Bad input never produces a traceback (set ``MICROCRED_DEBUG=1`` to see one for a bug).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from .._version import __version__
from ..errors import MicrocredError
from ._common import EXIT_INTERRUPTED, EXIT_USAGE, CliError

__all__ = ["main"]

# command -> (the module that registers it, its one-line help). Only the module of the command
# being run is imported (a command loads only what it uses); the others appear in ``--help``
# from this table (a test checks it against what each module registers).
_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("_demo", "issue, verify, tamper with, bake and export a Swedish micro-credential "
             "(offline)"),
    "keygen": ("_keygen", "create a signing key (JWK with private members, kid = verification "
               "method)"),
    "did-document": ("_did_document", "write the DID document (did:web) or controller document "
                     "(https) to publish"),
    "issue": ("_issue", "sign a credential with a key file"),
    "derive": ("_derive", "disclose parts of an ecdsa-sd-2023 credential (holder)"),
    "present": ("_present", "present an SD-JWT with only the chosen claims disclosed, with "
                "key binding (holder)"),
    "verify": ("_verify", "verify credentials, presentations or JWTs"),
    "seal": ("_seal", "seal an ELM credential as a European Digital Credential (JAdES, eIDAS "
             "seal)"),
    "validate": ("_validate", "validate documents against the OB 3.0, CLR 2.0, EU "
                 "micro-credential or ELM profile"),
    "inspect": ("_annex", "show the Annex I elements of a micro-credential and what is missing"),
    "convert": ("_annex", "convert between the Annex I form, Open Badges 3.0, ELM and SD-JWT VC"),
    "batch-issue": ("_batch", "issue one micro-credential per row of a course roster (CSV)"),
    "status": ("_status", "revoke, suspend or unsuspend an issued credential (Bitstring Status "
               "List)"),
    "bake": ("_bake", "bake a credential into a PNG or SVG badge image"),
    "unbake": ("_bake", "print the credential baked into a PNG or SVG badge image"),
    "offer": ("_offer", "create an OpenID4VCI credential offer at a running service and print "
              "its URI"),
    "serve": ("_serve", "run the VC API service and the verifier page (needs the [server] "
              "extra)"),
}  # fmt: skip


def _command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs: its first argument that is not an option (the top level has
    only ``-h`` and ``--version``, which take no value)."""
    for argument in argv:
        if argument == "--":
            return None
        if not argument.startswith("-"):
            return argument if argument in _COMMANDS else None
    return None


def _parser(command: str | None = None, *, full: bool = False) -> argparse.ArgumentParser:
    """The parser: the options of ``command`` (every command's with ``full``); the other
    commands are listed with their help only."""
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
    wanted = _COMMANDS[command][0] if command in _COMMANDS else None
    for name, (module_name, summary) in _COMMANDS.items():
        if name in sub.choices:
            continue  # registered with another command of its module
        if full or module_name == wanted:
            module = importlib.import_module(f".{module_name}", __name__)
            module.register(sub)
        else:
            sub.add_parser(name, help=summary, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(_command_of(arguments))
    try:
        args = parser.parse_args(arguments)
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
