"""``microcred verify``: verify credentials, presentations and JWTs; exit 0/1/2."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timezone
from typing import Any

from .. import verify as verify_credential
from .._validate import PROFILES
from ..jsonld import ChainLoader, NetworkLoader, default_loader
from ..keys import DidResolver, DidWebResolver, StaticResolver
from ..net import HttpsFetcher
from ..proofs import SUITES, parse_datetime
from ..report import VerificationReport
from ..status import HttpsStatusLists
from ._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, CliError
from ._io import display_path, read_input, read_json_file

__all__ = ["print_report", "register"]


def register(sub: Any) -> None:
    """Add the ``verify`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "verify",
        help="verify credentials, presentations or JWTs",
        description="Verify each PATH (a JSON credential or presentation, a file holding a "
        "compact JWT, a baked PNG/SVG badge, or '-' for standard input). Offline unless "
        "--allow-network.",
        epilog="Exit codes: 0 all verified, 1 any invalid or indeterminate, 2 usage or "
        "unreadable input.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per input (JSON Lines)"
    )
    parser.add_argument("--now", metavar="ISO-8601", help="judge validity dates at this moment")
    parser.add_argument(
        "--suite",
        action="append",
        choices=sorted(SUITES),
        dest="suites",
        help="accept only these Data Integrity suites (repeatable)",
    )
    parser.add_argument(
        "--controller-doc",
        action="append",
        default=[],
        metavar="FILE",
        help="a trusted DID/controller document for resolving keys (repeatable)",
    )
    parser.add_argument(
        "--allow-network",
        action="store_true",
        help="allow did:web and remote contexts over https (bounded)",
    )
    parser.add_argument(
        "--require-status",
        action="store_true",
        help="a credential whose status cannot be checked is indeterminate",
    )
    parser.add_argument(
        "--profile",
        choices=(*PROFILES[1:], "auto"),
        help="also validate each credential against this profile (see validate)",
    )
    parser.set_defaults(handler=run)


def _resolver(args: argparse.Namespace, fetcher: HttpsFetcher | None) -> DidResolver | None:
    documents = []
    for path in args.controller_doc:
        doc = read_json_file(path, "controller document")
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise CliError(f"controller document {path} must be a JSON object with an id")
        documents.append(doc)
    resolvers: list[DidResolver] = []
    if documents:
        resolvers.append(StaticResolver(documents))
    if fetcher is not None:
        resolvers.append(DidWebResolver(fetcher))
    if not resolvers:
        return None
    if len(resolvers) == 1:
        return resolvers[0]
    from ..keys import ChainResolver

    return ChainResolver(*resolvers)


def run(args: argparse.Namespace) -> int:
    """Verify every input; print the reports; return the contract's exit code."""
    now = None
    if args.now is not None:
        now = parse_datetime(args.now)
        if now is None:
            raise CliError(f"--now {args.now!r} is not an ISO 8601 date-time")
        now = now.astimezone(timezone.utc)
    fetcher = HttpsFetcher() if args.allow_network else None
    loader = (
        default_loader()
        if fetcher is None
        else ChainLoader(default_loader(), NetworkLoader(fetcher))
    )
    resolver = _resolver(args, fetcher)
    worst = EXIT_OK
    for path in args.paths:
        name = display_path(path)
        try:
            data = read_input(path)
        except CliError as exc:
            _emit_unreadable(args, name, str(exc))
            worst = max(worst, EXIT_USAGE)
            continue
        report = verify_credential(
            data,
            now=now,
            suites=args.suites,
            loader=loader,
            resolver=resolver,
            status=None if fetcher is None else HttpsStatusLists(fetcher),
            require_status=args.require_status,
            profile=args.profile,
        )
        parse = report.check("parse")
        if parse is not None and parse.status == "failed":
            _emit_unreadable(args, name, parse.message)
            worst = max(worst, EXIT_USAGE)
            continue
        print_report(name, report, as_json=args.json)
        if not report.verified:
            worst = max(worst, EXIT_INVALID)
    return worst


def _emit_unreadable(args: argparse.Namespace, name: str, message: str) -> None:
    if args.json:
        record = {
            "input": name,
            "verified": False,
            "outcome": "indeterminate",
            "format": "unknown",
            "checks": [{"id": "parse", "status": "failed", "message": message}],
        }
        print(json.dumps(record, ensure_ascii=False))
    print(f"microcred verify: {name}: unreadable input: {message}", file=sys.stderr)


_MARKS = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip", "error": "??  "}


def print_report(name: str, report: VerificationReport, *, as_json: bool) -> None:
    """Print one report: a JSON line, or a readable block."""
    if as_json:
        record = {"input": name, **report.to_json()}
        print(json.dumps(record, ensure_ascii=False))
        return
    print(f"{name}: {report.outcome.upper()} ({report.format} {report.kind})")
    _print_checks(report, indent="  ")


def _print_checks(report: VerificationReport, indent: str) -> None:
    for check in report.checks:
        where = f"  [{check.path}]" if check.path and check.status in ("failed", "error") else ""
        print(f"{indent}{_MARKS[check.status]} {check.id:<22} {check.message}{where}")
    for index, inner in enumerate(report.credentials):
        print(f"{indent}credential {index + 1}: {inner.outcome.upper()} ({inner.format})")
        _print_checks(inner, indent + "  ")
