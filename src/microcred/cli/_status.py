"""``microcred status revoke|suspend|unsuspend``: change one entry of a signed Bitstring
Status List, or of an IETF Token Status List (a ``statuslist+jwt`` file), and re-sign it in
place."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import _json, jose
from .._input import read_input as read_document
from ..errors import MicrocredError
from ..keys import KeyPair, StaticResolver
from ..limits import DEFAULT_LIMITS
from ..status import (
    INVALID,
    SUSPENDED,
    VALID,
    StatusList,
    read_status_list,
    read_status_list_token,
    status_index,
    update_status,
    update_token_status,
)
from ..status._token import status_name
from ..verify import VerifyOptions, verify
from ._common import EXIT_INVALID, EXIT_OK, CliError
from ._io import read_input, read_key

__all__ = ["register"]

#: action -> the Token Status List value it sets (§7.1 Status Types)
_TOKEN_VALUES = {"revoke": INVALID, "suspend": SUSPENDED, "unsuspend": VALID}
#: action -> (the list purpose it needs, the value it sets, the state's name)
_ACTIONS = {
    "revoke": ("revocation", True, "revoked"),
    "suspend": ("suspension", True, "suspended"),
    "unsuspend": ("suspension", False, "not suspended"),
}


def register(sub: Any) -> None:
    """Add the ``status`` sub-command and its actions."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "status",
        help="revoke, suspend or unsuspend an issued credential (Bitstring Status List)",
        description="Change one entry of a signed Bitstring Status List credential (as "
        "batch-issue --status-list writes it), or of an IETF Token Status List token (a "
        "statuslist+jwt file: revoke sets INVALID, suspend SUSPENDED, unsuspend VALID), "
        "re-sign it with the issuer's key and write it back in place. Then publish the file "
        "at the list's URL again.",
        epilog="Exit codes: 0 done (or the entry already had that status), 1 the list does "
        "not verify, 2 usage or unreadable input.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, (purpose, _, state) in _ACTIONS.items():
        one: argparse.ArgumentParser = actions.add_parser(
            action,
            help=f"mark a credential {state} (needs a {purpose} list)",
            description=f"Mark one credential {state} in a {purpose} list."
            + (" Revocation cannot be undone." if action == "revoke" else ""),
        )
        one.add_argument(
            "--list",
            required=True,
            metavar="LIST",
            help=f"the signed {purpose} list (JSON), or a Token Status List token (.jwt)",
        )
        one.add_argument(
            "--key", required=True, metavar="KEY.json", help="the list issuer's private JWK"
        )
        which = one.add_mutually_exclusive_group(required=True)
        which.add_argument("--index", type=int, metavar="N", help="the entry's index")
        which.add_argument(
            "--credential",
            metavar="FILE",
            help="the credential (JSON, a JWT, or a baked image): its entry in this list",
        )
        which.add_argument(
            "--row", type=int, metavar="N", help="the roster row: its index from the manifest"
        )
        one.add_argument(
            "--manifest",
            metavar="MANIFEST.jsonl",
            help="for --row: batch-issue's manifest (default: manifest.jsonl beside LIST.json)",
        )
        one.set_defaults(handler=run)


def _token_of(path: str) -> str | None:
    """The file's Token Status List token (``typ: statuslist+jwt``), or ``None`` if it is not
    one."""
    text = read_input(path).decode("utf-8", "replace").strip()
    if text.count(".") != 2 or text.startswith("{"):
        return None
    try:
        header, _ = jose.decode_unverified(text)
    except MicrocredError:
        return None
    typ = header.get("typ")
    media = typ.lower().removeprefix("application/") if isinstance(typ, str) else None
    return text if media == "statuslist+jwt" else None


def _read_list(path: str) -> tuple[dict[str, Any], StatusList]:
    data = read_input(path)
    text = data.decode("utf-8", "replace").strip()
    if text.count(".") == 2 and not text.startswith("{"):
        raise CliError(
            f"status list {path} is a JWT but not a Token Status List (typ statuslist+jwt); "
            "status changes a JSON (Data Integrity) list or a Token Status List token"
        )
    try:
        document = _json.loads(data)
    except MicrocredError as exc:
        raise CliError(f"status list {path}: {exc}") from None
    try:
        return document, read_status_list(document)
    except MicrocredError as exc:
        raise CliError(f"{path} is not a Bitstring Status List credential: {exc}") from None


def _check_proof(document: dict[str, Any], key: KeyPair, path: str) -> None:
    """The list on disk must verify with the issuer's key: never re-sign a tampered list."""
    trusted = {
        "id": key.controller,
        "verificationMethod": [key.verification_method_document()],
        "assertionMethod": [key.verification_method],
    }
    report = verify(document, resolver=StaticResolver([trusted]), check_status=False)
    problems = [c for c in report.failed if not c.id.startswith("validity")]
    if problems:
        reasons = "; ".join(f"{c.id}: {c.message}" for c in problems)[:400]
        raise CliError(
            f"the list {path} does not verify with this key ({reasons}); not changing it",
            EXIT_INVALID,
        )


def _manifest_index(manifest: Path, row: int) -> int:
    try:
        text = manifest.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read the manifest {manifest}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CliError(f"the manifest {manifest} is not UTF-8 text") from None
    found: set[int] = set()
    seen = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = _json.loads(line)
        except MicrocredError as exc:
            raise CliError(f"{manifest} line {number}: {exc}") from None
        if not isinstance(record, dict) or record.get("row") != row:
            continue
        seen = True
        index = record.get("status_index")
        if isinstance(index, int) and not isinstance(index, bool) and index >= 0:
            found.add(index)
    if not seen:
        raise CliError(f"row {row} is not in {manifest} (it was not issued)")
    if not found:
        raise CliError(f"row {row} of {manifest} has no status_index (issued without a list)")
    if len(found) > 1:
        listed = ", ".join(str(i) for i in sorted(found))
        raise CliError(
            f"row {row} has several status indexes in {manifest} ({listed}); use --index"
        )
    return found.pop()


def _credential_index(path: str, list_url: str) -> int:
    try:
        document, _ = read_document(read_input(path), limits=DEFAULT_LIMITS)
        if isinstance(document, str):
            document = jose.credential_unverified(document)
        return status_index(document, list_url)
    except MicrocredError as exc:
        raise CliError(f"credential {path}: {exc}") from None
    except ValueError as exc:
        raise CliError(f"credential {path}: {exc}") from None


def _write_in_place(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically (a temporary file beside it, then a rename), keeping the
    file's permission bits."""
    try:
        mode = path.stat().st_mode & 0o7777
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the list's directory while the list is read, changed and
    replaced, so that two ``status`` commands never lose each other's change (POSIX; where
    ``fcntl`` is missing, nothing is locked)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError as exc:
        raise CliError(f"cannot open the folder of {path}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise CliError(
                f"another status command is changing a list in {path.parent}; try again"
            ) from None
        yield
    finally:
        os.close(fd)


def run(args: argparse.Namespace) -> int:
    """Check the list, the key and the index; change the entry; re-sign; write in place."""
    if args.manifest is not None and args.row is None:
        raise CliError("--manifest goes with --row")
    with _locked(Path(args.list)):
        return _run(args)


def _token_index(path: str, uri: str) -> int:
    """The ``status.status_list.idx`` of a credential (a JWT, or JSON) that points at ``uri``."""
    try:
        document, _ = read_document(read_input(path), limits=DEFAULT_LIMITS)
        if isinstance(document, str):
            _, document = jose.decode_unverified(document)
    except MicrocredError as exc:
        raise CliError(f"credential {path}: {exc}") from None
    status = document.get("status") if isinstance(document, dict) else None
    reference = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(reference, dict) or reference.get("uri") != uri:
        raise CliError(f"credential {path} has no status.status_list entry for {uri}")
    index = reference.get("idx")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise CliError(f"credential {path}: status.status_list.idx is not a non-negative integer")
    return index


def _run_token(args: argparse.Namespace, token: str) -> int:
    """The Token Status List form of :func:`_run`: the token must verify with the key (its
    ``kid`` the key's verification method), then one entry is set and the token re-signed."""
    from ..verify._jwt import verify_status_list_token

    key = read_key(args.key)
    trusted = {
        "id": key.controller,
        "verificationMethod": [key.verification_method_document()],
        "assertionMethod": [key.verification_method],
    }
    options = VerifyOptions.create(resolver=StaticResolver([trusted]))
    try:
        claims = verify_status_list_token(token, options)
        _, listed = read_status_list_token(token)
    except MicrocredError as exc:
        raise CliError(
            f"the token {args.list} does not verify with this key ({exc}); not changing it",
            EXIT_INVALID,
        ) from None
    header, _ = jose.decode_unverified(token)
    if header.get("kid") != key.verification_method or claims.get("iss") != key.controller:
        raise CliError(
            f"the token {args.list} is signed by {str(header.get('kid'))[:120]} for "
            f"{str(claims.get('iss'))[:120]}, not by this key ({key.verification_method}); "
            "not changing it",
            EXIT_INVALID,
        )
    uri = str(claims.get("sub"))
    if args.row is not None:
        manifest = Path(args.manifest or Path(args.list).parent / "manifest.jsonl")
        index = _manifest_index(manifest, args.row)
        who = f"row {args.row} (index {index})"
    else:
        index = args.index if args.credential is None else _token_index(args.credential, uri)
        who = f"index {index}"
    value = _TOKEN_VALUES[args.action]
    if value == SUSPENDED and listed.bits < 2:
        raise CliError(f"{args.list} has 1 bit per entry: it cannot hold SUSPENDED (0x02)")
    try:
        current = listed.get(index)
    except (IndexError, TypeError) as exc:
        raise CliError(str(exc)) from None
    if args.action == "unsuspend" and current not in (SUSPENDED, VALID):
        raise CliError(f"{who} is {status_name(current)}, not SUSPENDED; not changing it")
    if current == value:
        print(f"{who} is already {status_name(value)} in {args.list}; nothing changed")
        return EXIT_OK
    try:
        signed = update_token_status(token, index, value, key)
    except (ValueError, IndexError, MicrocredError) as exc:
        raise CliError(str(exc)) from None
    _write_in_place(Path(args.list), (signed + "\n").encode("ascii"))
    print(f"{who}: {status_name(value)} in {args.list} (re-signed); publish it at {uri}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    token = _token_of(args.list)
    if token is not None:
        return _run_token(args, token)
    purpose, value, state = _ACTIONS[args.action]
    document, listed = _read_list(args.list)
    if purpose not in listed.purposes:
        raise CliError(
            f"{args.list} is a {'/'.join(listed.purposes)} list; {args.action} needs a "
            f"{purpose} list"
        )
    key = read_key(args.key)
    if key.controller != listed.issuer:
        raise CliError(
            f"{args.list} is issued by {listed.issuer}, not by the key's controller "
            f"{key.controller}"
        )
    _check_proof(document, key, args.list)
    if args.row is not None:
        manifest = Path(args.manifest or Path(args.list).parent / "manifest.jsonl")
        index = _manifest_index(manifest, args.row)
        who = f"row {args.row} (index {index})"
    elif args.credential is not None:
        index = _credential_index(args.credential, listed.url)
        who = f"index {index}"
    else:
        index = args.index
        who = f"index {index}"
    try:
        current = listed.get(index)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if bool(current) == value:
        print(f"{who} is already {state} in {args.list}; nothing changed")
        return EXIT_OK
    try:
        signed = update_status(document, index, value, key)
    except (ValueError, MicrocredError) as exc:
        raise CliError(str(exc)) from None
    text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    _write_in_place(Path(args.list), text.encode("utf-8"))
    print(f"{who}: {state} in {args.list} (re-signed); publish it at {listed.url}")
    return EXIT_OK
