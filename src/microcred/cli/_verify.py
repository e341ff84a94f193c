"""``microcred verify``: verify credentials, presentations and JWTs; exit 0/1/2."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._profiles import PROFILES
from ..errors import MicrocredError, TrustSourceError
from ..jsonld import ChainLoader, NetworkLoader, default_loader
from ..keys import DidResolver, DidWebResolver, HttpsControllerResolver, StaticResolver
from ..limits import DEFAULT_LIMITS
from ..net import HttpsFetcher
from ..proofs import SUITES
from ..report import VerificationReport
from ..verify import (
    IssuerRegistry,
    TrustList,
    VerifyOptions,
    load_registry,
    load_trust_list,
    verify_with,
)
from ._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, CliError, datetime_option
from ._io import display_path, read_input, read_json_file

if TYPE_CHECKING:
    from ..status import StatusListFetcher

__all__ = ["format_report", "print_report", "register"]


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
        "--schema",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="the JSON Schema (or JsonSchemaCredential) published at URL, read from FILE, for "
        "a credentialSchema of type JsonSchema/JsonSchemaCredential (repeatable; offline)",
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
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="verify in N processes (default: the number of cores); the output keeps the "
        "order of the inputs",
    )
    parser.add_argument(
        "--nonce",
        metavar="N",
        help="the nonce an SD-JWT's key binding JWT must carry (then key binding is required)",
    )
    parser.add_argument(
        "--aud",
        metavar="A",
        help="the audience (this verifier) an SD-JWT's key binding JWT must name",
    )
    parser.add_argument(
        "--trust-anchor",
        action="append",
        default=[],
        metavar="PEM",
        help="a trusted root certificate (PEM or DER file) for an SD-JWT's x5c issuer chain, "
        "or a JAdES seal's and its time-stamps' chains (repeatable)",
    )
    parser.add_argument(
        "--trusted-issuers",
        metavar="FILE",
        help="your trust list (JSON: DIDs or domains with names) for the issuer answer",
    )
    parser.add_argument(
        "--registry",
        action="append",
        default=[],
        metavar="[NAME=]FILE",
        help="an issuer registry in the DCC format (JSON), optionally named (repeatable; "
        "the first that lists an issuer names it)",
    )
    parser.add_argument(
        "--trusted-list",
        action="append",
        default=[],
        metavar="FILE",
        help="an EU trusted list (ETSI TS 119 612 XML): the List of Trusted Lists first, "
        "then national lists, checked against --trusted-list-signer and the List of Trusted "
        "Lists' pointers (repeatable)",
    )
    parser.add_argument(
        "--trusted-list-signer",
        action="append",
        default=[],
        metavar="PEM",
        help="a certificate a --trusted-list may be signed with (the List of Trusted Lists' "
        "signing certificates as the Official Journal publishes them; repeatable)",
    )
    parser.set_defaults(handler=run)


def _trusted_lists(args: argparse.Namespace) -> list[Any]:
    """The lists of ``--trusted-list`` (in order; a national list may be pinned by the List
    of Trusted Lists loaded before it)."""
    if not args.trusted_list:
        return []
    from ..edc import load_trusted_list

    signers = [read_input(path) for path in args.trusted_list_signer]
    loaded: list[Any] = []
    for path in args.trusted_list:
        lotl = next((t for t in reversed(loaded) if t.is_lotl), None)
        try:
            loaded.append(load_trusted_list(Path(path), signing_certificates=signers, lotl=lotl))
        except TrustSourceError as exc:
            raise CliError(f"--trusted-list: {exc}") from None
    return loaded


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
    from ..status import ChainStatusLists, HttpsStatusLists, StaticStatusLists

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


def _schemas(args: argparse.Namespace) -> dict[str, bytes]:
    """The schemas from ``--schema URL=FILE`` (bytes, so that a ``digestSRI`` is checked)."""
    schemas: dict[str, bytes] = {}
    for item in args.schema:
        url, sep, path = _url_and_file(item)
        if not sep or not url or not path:
            raise CliError(f"--schema {item!r}: expected URL=FILE")
        try:
            with open(path, "rb") as handle:
                data = handle.read(DEFAULT_LIMITS.max_input_bytes + 1)
        except OSError as exc:
            raise CliError(f"--schema: cannot read {path}: {exc.strerror or exc}") from None
        if len(data) > DEFAULT_LIMITS.max_input_bytes:
            raise CliError(f"--schema: {path} is over the input limit")
        schemas[url] = data
    return schemas


def _options(args: argparse.Namespace) -> VerifyOptions:
    """The verification options the command line asks for (the same in every process)."""
    if args.no_status and args.require_status:
        raise CliError("--no-status contradicts --require-status")
    now = datetime_option(args.now, "--now") if args.now is not None else None
    fetcher = HttpsFetcher() if args.allow_network else None
    loader = (
        default_loader()
        if fetcher is None
        else ChainLoader(default_loader(), NetworkLoader(fetcher))
    )
    resolver = _resolver(args, fetcher)
    return VerifyOptions.create(
        now=now,
        suites=args.suites,
        loader=loader,
        resolver=resolver,
        status=_status_lists(args, fetcher),
        check_status=not args.no_status,
        profile=args.profile,
        allow_inline_contexts=args.allow_inline_contexts,
        schemas=_schemas(args) or None,
        schema_fetcher=fetcher,
        nonce=args.nonce,
        audience=args.aud,
        trust_anchors=_trust_anchors(args),
        metadata_fetcher=fetcher,
        trusted_issuers=_trust_list(args),
        registries=_registries(args),
        trusted_lists=_trusted_lists(args),
    )


def _trust_list(args: argparse.Namespace) -> TrustList | None:
    """The trust list of ``--trusted-issuers FILE``."""
    if args.trusted_issuers is None:
        return None
    try:
        return load_trust_list(Path(args.trusted_issuers))
    except TrustSourceError as exc:
        raise CliError(f"--trusted-issuers: {exc}") from None


def _registries(args: argparse.Namespace) -> list[IssuerRegistry]:
    """The registries of ``--registry [NAME=]FILE`` (a path that exists is a file, whole)."""
    found = []
    for item in args.registry:
        name: str | None = None
        path = item
        if not os.path.isfile(item) and "=" in item:
            name, _, path = item.partition("=")
            if not name.strip():
                raise CliError(f"--registry {item!r}: the name before '=' is empty")
        try:
            found.append(load_registry(Path(path), name=name))
        except TrustSourceError as exc:
            raise CliError(f"--registry: {exc}") from None
    return found


def _trust_anchors(args: argparse.Namespace) -> list[bytes]:
    """The certificates of ``--trust-anchor`` files (PEM, one or more, or DER)."""
    anchors = []
    for path in args.trust_anchor:
        data = read_input(path)
        from cryptography import x509

        try:
            if b"-----BEGIN" in data:
                x509.load_pem_x509_certificates(data)
            else:
                x509.load_der_x509_certificate(data)
        except ValueError:
            raise CliError(
                f"--trust-anchor {path}: not a PEM certificate (nor a DER one)"
            ) from None
        anchors.append(data)
    return anchors


# one input's result, as the parent prints it: (standard output, standard error, exit code)
_Outcome = tuple[str, str, int]
# inputs go to the worker processes in chunks, at most _WINDOW chunks a process in flight:
# the output keeps the input order and memory stays flat however many inputs there are
_CHUNK = 32
_WINDOW = 4
_FEWEST_FOR_PROCESSES = 8


def run(args: argparse.Namespace) -> int:
    """Verify every input; print the reports (in input order); return the exit code.

    One input never stops the batch: an unreadable one is reported (exit 2 at the end), and
    an unexpected internal failure is that input's result (check ``internal``). With more
    than a few inputs and ``--jobs`` > 1 they are verified in that many processes."""
    options = _options(args)
    jobs = _jobs(args.jobs)
    paths: list[str] = args.paths
    if jobs == 1 or len(paths) < _FEWEST_FOR_PROCESSES:
        outcomes: Iterator[_Outcome] = (_outcome(path, None, options, args.json) for path in paths)
    else:
        outcomes = _in_processes(args, paths, jobs)
    worst = EXIT_OK
    for out, err, code in outcomes:
        if out:
            sys.stdout.write(out)
        if err:
            sys.stdout.flush()
            sys.stderr.write(err)
        worst = max(worst, code)
    return worst


def _jobs(value: int | None) -> int:
    if value is None:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not Linux
            return max(1, os.cpu_count() or 1)
    if value < 1:
        raise CliError("--jobs must be at least 1")
    return value


def _outcome(path: str, data: bytes | None, options: VerifyOptions, as_json: bool) -> _Outcome:
    """Verify one input (read from ``path`` unless its ``data`` is given)."""
    name = display_path(path)
    if data is None:
        try:
            data = read_input(path)
        except CliError as exc:
            return _unreadable(name, str(exc), as_json)
    report = _verify_one(data, options)
    parse = report.check("parse")
    if parse is not None and parse.status == "failed":
        return _unreadable(name, parse.message, as_json)
    return (
        format_report(name, report, as_json=as_json),
        "",
        (EXIT_OK if report.verified else EXIT_INVALID),
    )


_WORKER: tuple[VerifyOptions, bool] | None = None


def _start_worker(args: argparse.Namespace) -> None:
    global _WORKER
    # Ctrl-C reaches the whole process group: the parent stops the batch; a worker dying of
    # KeyboardInterrupt would break the pool and print a traceback instead
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = (_options(args), bool(args.json))


def _chunk(items: Sequence[tuple[str, bytes | None]]) -> list[_Outcome]:
    assert _WORKER is not None
    options, as_json = _WORKER
    return [_outcome(path, data, options, as_json) for path, data in items]


def _in_processes(args: argparse.Namespace, paths: Sequence[str], jobs: int) -> Iterator[_Outcome]:
    """The outcomes of ``paths`` verified in ``jobs`` processes, in input order."""
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    stdin = read_input("-") if "-" in paths else None  # workers cannot read our stdin
    size = max(1, min(_CHUNK, len(paths) // (jobs * _WINDOW) or 1))
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(args,))
    pending: deque[tuple[list[str], Future[list[_Outcome]]]] = deque()
    try:
        for start in range(0, len(paths), size):
            chunk = list(paths[start : start + size])
            items = [(p, stdin if p == "-" else None) for p in chunk]
            pending.append((chunk, pool.submit(_chunk, items)))
            if len(pending) >= jobs * _WINDOW:
                yield from _results(*pending.popleft(), BrokenProcessPool, args.json)
        while pending:
            yield from _results(*pending.popleft(), BrokenProcessPool, args.json)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _results(
    chunk: list[str], future: Any, broken: type[Exception], as_json: bool
) -> list[_Outcome]:
    try:
        outcomes: list[_Outcome] = future.result()
        return outcomes
    except broken:  # a worker process died (killed, out of memory): say so for its inputs
        return [_failed(display_path(path), as_json) for path in chunk]


def _failed(name: str, as_json: bool) -> _Outcome:
    report = VerificationReport()
    report.add("internal", "error", "the verifying process stopped; not verified")
    return format_report(name, report, as_json=as_json), "", EXIT_INVALID


def _verify_one(data: bytes, options: VerifyOptions) -> VerificationReport:
    """``verify()``; should anything escape it, the failure is this input's result."""
    try:
        return verify_with(data, options)
    except Exception as exc:  # one input must never stop the batch
        report = VerificationReport()
        report.add("internal", "error", f"internal error ({type(exc).__name__}); not verified")
        return report


def _unreadable(name: str, message: str, as_json: bool) -> _Outcome:
    out = ""
    if as_json:
        record = {
            "input": name,
            "verified": False,
            "outcome": "indeterminate",
            "format": "unknown",
            "checks": [{"id": "parse", "status": "failed", "message": message}],
        }
        out = json.dumps(record, ensure_ascii=False) + "\n"
    return out, f"microcred verify: {name}: unreadable input: {message}\n", EXIT_USAGE


_MARKS = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip", "error": "??  "}


def print_report(name: str, report: VerificationReport, *, as_json: bool) -> None:
    """Print one report: a JSON line, or a readable block."""
    sys.stdout.write(format_report(name, report, as_json=as_json))


def format_report(name: str, report: VerificationReport, *, as_json: bool) -> str:
    """One report as printed: a JSON line, or a readable block (with its line ends)."""
    if as_json:
        record = {"input": name, **report.to_json()}
        return json.dumps(record, ensure_ascii=False) + "\n"
    lines = [f"{name}: {report.outcome.upper()} ({report.format} {report.kind})"]
    if report.trust is not None:
        lines.append(f"  {report.trust.summary()}")
    if report.format == "jades":
        lines += seal_lines(report, "  ")
    if report.disclosed is not None:
        lines.append(
            f"  disclosed: {len(report.disclosed)} claim(s); hidden: {report.hidden_count} "
            "digest(s) not disclosed (withheld claims or decoys)"
        )
    _check_lines(report, "  ", lines)
    lines += [f"  warning: {w.id}: {w.message}" for w in report.all_warnings]
    return "\n".join(lines) + "\n"


def seal_lines(report: VerificationReport, indent: str) -> list[str]:
    """A JAdES report's seal (who, by its certificate; signing and time-stamp times) and the
    level established, as printed."""
    level = report.jades_level or "none (the signature did not verify)"
    seal = report.seal
    if seal is None:
        return [f"{indent}JAdES level: {level}"]
    times = f"signing time {seal.signing_time or 'not given'}"
    if seal.timestamp_time:
        times += f", time-stamped {seal.timestamp_time}"
    return [
        f"{indent}seal: {seal.summary()}",
        f"{indent}  certificate: {seal.certificate_subject} (serial {seal.certificate_serial})",
        f"{indent}  {times}; JAdES level: {level}",
    ]


def _check_lines(report: VerificationReport, indent: str, lines: list[str]) -> None:
    for check in report.checks:
        where = f"  [{check.path}]" if check.path and check.status in ("failed", "error") else ""
        lines.append(f"{indent}{_MARKS[check.status]} {check.id:<22} {check.message}{where}")
    for index, inner in enumerate(report.credentials):
        lines.append(f"{indent}credential {index + 1}: {inner.outcome.upper()} ({inner.format})")
        if inner.trust is not None:
            lines.append(f"{indent}  {inner.trust.summary()}")
        _check_lines(inner, indent + "  ", lines)
