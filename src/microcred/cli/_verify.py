"""``microcred verify``: verify credentials, presentations and JWTs; exit 0/1/2."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timezone
from typing import Any

from .._validate import PROFILES
from .._vc import parse_datetime
from ..errors import MicrocredError
from ..jsonld import ChainLoader, NetworkLoader, default_loader
from ..keys import DidResolver, DidWebResolver, HttpsControllerResolver, StaticResolver
from ..net import HttpsFetcher
from ..proofs import SUITES
from ..report import VerificationReport
from ..status import ChainStatusLists, HttpsStatusLists, StaticStatusLists, StatusListFetcher
from ..verify import VerifyOptions, verify_with
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
        help="a credential whose status cannot be checked is indeterminate (the default; "
        "kept for compatibility)",
    )
    parser.add_argument(
        "--no-status",
        action="store_true",
        help="do not check credentialStatus (the report then warns that it was not checked)",
    )
    parser.add_argument(
        "--status-list",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="the status list published at URL, read from FILE (JSON or a JWT), offline "
        "(repeatable)",
    )
    parser.add_argument(
        "--allow-inline-contexts",
        action="store_true",
        help="accept embedded @context objects that only add terms (refused by default)",
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
        resolvers.extend((DidWebResolver(fetcher), HttpsControllerResolver(fetcher)))
    if not resolvers:
        return None
    if len(resolvers) == 1:
        return resolvers[0]
    from ..keys import ChainResolver

    return ChainResolver(*resolvers)


def _url_and_file(item: str) -> tuple[str, str, str]:
    """``URL=FILE`` split at the first ``=`` after which a file exists (a URL may hold ``=``
    in its query, e.g. Bitstring Status List's ``?timestamp=``), else at the first ``=``."""
    for position, char in enumerate(item):
        if char == "=" and os.path.isfile(item[position + 1 :]):
            return item[:position], "=", item[position + 1 :]
    return item.partition("=")


def _status_lists(
    args: argparse.Namespace, fetcher: HttpsFetcher | None
) -> StatusListFetcher | None:
    """The status lists from ``--status-list URL=FILE``, then the network if allowed."""
    files: dict[str, str] = {}
    for item in args.status_list:
        url, sep, path = _url_and_file(item)
        if not sep or not url or not path:
            raise CliError(f"--status-list {item!r}: expected URL=FILE")
        files[url] = path
    fetchers: list[StatusListFetcher] = []
    if files:
        try:
            fetchers.append(StaticStatusLists.from_files(files))
        except OSError as exc:
            raise CliError(f"--status-list: cannot read {exc.filename}: {exc.strerror}") from None
        except MicrocredError as exc:
            raise CliError(f"--status-list: {exc}") from None
    if fetcher is not None:
        fetchers.append(HttpsStatusLists(fetcher))
    if not fetchers:
        return None
    return fetchers[0] if len(fetchers) == 1 else ChainStatusLists(*fetchers)


def run(args: argparse.Namespace) -> int:
    """Verify every input; print the reports; return the contract's exit code.

    One input never stops the batch: an unreadable one is reported (exit 2 at the end), and
    an unexpected internal failure is that input's result (check ``internal``)."""
    if args.no_status and args.require_status:
        raise CliError("--no-status contradicts --require-status")
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
    options = VerifyOptions.create(
        now=now,
        suites=args.suites,
        loader=loader,
        resolver=resolver,
        status=_status_lists(args, fetcher),
        check_status=not args.no_status,
        profile=args.profile,
        allow_inline_contexts=args.allow_inline_contexts,
    )
    worst = EXIT_OK
    for path in args.paths:
        name = display_path(path)
        try:
            data = read_input(path)
        except CliError as exc:
            _emit_unreadable(args, name, str(exc))
            worst = max(worst, EXIT_USAGE)
            continue
        report = _verify_one(data, options)
        parse = report.check("parse")
        if parse is not None and parse.status == "failed":
            _emit_unreadable(args, name, parse.message)
            worst = max(worst, EXIT_USAGE)
            continue
        print_report(name, report, as_json=args.json)
        if not report.verified:
            worst = max(worst, EXIT_INVALID)
    return worst


def _verify_one(data: bytes, options: VerifyOptions) -> VerificationReport:
    """``verify()``; should anything escape it, the failure is this input's result."""
    try:
        return verify_with(data, options)
    except Exception as exc:  # one input must never stop the batch
        report = VerificationReport()
        report.add("internal", "error", f"internal error ({type(exc).__name__}); not verified")
        return report


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
    for warning in report.all_warnings:
        print(f"  warning: {warning.id}: {warning.message}")


def _print_checks(report: VerificationReport, indent: str) -> None:
    for check in report.checks:
        where = f"  [{check.path}]" if check.path and check.status in ("failed", "error") else ""
        print(f"{indent}{_MARKS[check.status]} {check.id:<22} {check.message}{where}")
    for index, inner in enumerate(report.credentials):
        print(f"{indent}credential {index + 1}: {inner.outcome.upper()} ({inner.format})")
        _print_checks(inner, indent + "  ")
