"""``microcred offer``: make an OpenID4VCI credential offer at a running ``microcred serve``
(``--oid4vci``), and the offers of ``batch-issue --offers``.

The service keeps the offer (its pre-authorized code, single use, expiring); this command
prints the ``openid-credential-offer://`` URI for the learner's wallet (a link, or the QR code
``--qr`` writes) and, with ``--tx-code``, the transaction code to send the learner another way.
A service on a loopback address makes offers without a token; any other needs the admin token
of its configuration (``--config`` reads it from the same file as ``serve``, or
``--token-file``).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._common import EXIT_OK, CliError, write_new_file
from ._io import read_json_object

__all__ = ["OfferClient", "register"]

#: The environment variable an admin token may come from.
TOKEN_ENV = "MICROCRED_ADMIN_TOKEN"


def register(sub: Any) -> None:
    """Add the ``offer`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "offer",
        help="create an OpenID4VCI credential offer at a running service and print its URI",
        description="Create a credential offer for FORM.json (an Annex I form with its learner; "
        "with --row, FORM.json is the course template and ROW.json one roster row) at the "
        "service SERVER (microcred serve --oid4vci) and print the openid-credential-offer:// "
        "URI, then with --tx-code the transaction code on a line 'tx_code: NNNNNN' (send it "
        "to the learner by another channel than the URI). On loopback no token is needed; "
        f"elsewhere the admin token from --config, --token-file or ${TOKEN_ENV} (https only).",
        epilog="Exit codes: 0 the offer was made, 2 usage error, unreachable service or "
        "refused offer.",
    )
    parser.add_argument("form", metavar="FORM.json")
    add_server_arguments(parser)
    parser.add_argument("--row", metavar="ROW.json", help="a roster row (FORM.json: the template)")
    parser.add_argument("--tx-code", action="store_true", help="protect it with a transaction code")
    parser.add_argument(
        "--by-reference",
        action="store_true",
        help="the URI carries the offer's URL, not the offer (a smaller QR code)",
    )
    parser.add_argument("--qr", metavar="FILE", help="write the QR code (.png or .svg)")
    parser.add_argument("--qr-terminal", action="store_true", help="draw the QR code on stderr")
    parser.add_argument("--json", action="store_true", help="print the service's answer (JSON)")
    parser.add_argument("--force", action="store_true", help="overwrite the --qr file")
    parser.set_defaults(handler=run)


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """``--server URL`` (required), ``--config FILE`` and ``--token-file FILE``."""
    parser.add_argument(
        "--server", required=True, metavar="URL", help="the service (http://127.0.0.1:8080)"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="the service's configuration (its oid4vci admin token)"
    )
    parser.add_argument("--token-file", metavar="FILE", help="a file holding the admin token")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _admin_token(args: argparse.Namespace) -> str | None:
    if args.token_file:
        try:
            return Path(args.token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"cannot read --token-file {args.token_file}: {exc}") from None
    if args.config:
        from ..server._oid4vci import parse_section

        config = read_json_object(args.config, "configuration")
        try:
            token = parse_section(Path(args.config), config.get("oid4vci", {})).admin_token
        except ValueError as exc:
            raise CliError(str(exc)) from None
        if token is None:
            raise CliError(f"{args.config}: the oid4vci section has no admin token")
        return token
    return os.environ.get(TOKEN_ENV) or None


class OfferClient:
    """``POST {server}/oid4vci/offers`` with the admin token when one is needed.

    Raises:
        CliError: a malformed server URL, or a token to send over plain http elsewhere than
            loopback.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        from ..oid4vci import UrllibHttp

        parts = urlsplit(args.server)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CliError(f"--server {args.server!r}: an http(s) URL (http://127.0.0.1:8080)")
        self.url = args.server.rstrip("/") + "/oid4vci/offers"
        self.token = None if _loopback(parts.hostname) else _admin_token(args)
        if self.token is not None and parts.scheme != "https":
            raise CliError("the admin token is sent over https only (or use a loopback address)")
        self.http = UrllibHttp()

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The offer the service made for ``body``.

        Raises:
            CliError: the service cannot be reached, or refused (its error and description).
        """
        from ..errors import OAuthError

        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            status, answer = self.http("POST", self.url, headers=headers, body=data)
        except OSError as exc:
            raise CliError(f"cannot reach {self.url}: {getattr(exc, 'reason', exc)}") from None
        except OAuthError as exc:
            raise CliError(str(exc)) from None
        try:
            value = json.loads(answer)
        except ValueError:
            value = None
        if status != 201 or not isinstance(value, dict):
            error = value if isinstance(value, dict) else {}
            raise CliError(
                f"the service refused the offer ({status}): {error.get('error', 'no JSON')}: "
                f"{str(error.get('error_description', ''))[:500]}"
            )
        return value


def write_qr(path: Path, uri: str, *, force: bool) -> None:
    """The QR code of ``uri`` as a PNG or SVG file, by ``path``'s suffix."""
    from ..oid4vci import qr_png, qr_svg

    suffix = path.suffix.lower()
    if suffix == ".png":
        write_new_file(path, qr_png(uri), force=force)
    elif suffix == ".svg":
        write_new_file(path, qr_svg(uri).encode("utf-8"), force=force)
    else:
        raise CliError(f"--qr {path}: the file ends with .png or .svg")


def run(args: argparse.Namespace) -> int:
    """Make the offer and print it."""
    form = read_json_object(args.form, "form")
    body: dict[str, Any] = {"tx_code": args.tx_code, "by_reference": args.by_reference}
    if args.row:
        body.update(template=form, row=read_json_object(args.row, "row"))
    else:
        body["form"] = form
    if args.qr and Path(args.qr).suffix.lower() not in (".png", ".svg"):
        raise CliError(f"--qr {args.qr}: the file ends with .png or .svg")
    offer = OfferClient(args).create(body)
    if args.json:
        print(json.dumps(offer, indent=2, ensure_ascii=False))
    else:
        print(offer["uri"])
        if offer.get("tx_code"):
            print(f"tx_code: {offer['tx_code']}")
    if args.qr:
        write_qr(Path(args.qr), offer["uri"], force=args.force)
    if args.qr_terminal:
        from ..oid4vci import qr_terminal

        print(qr_terminal(offer["uri"]), file=sys.stderr)
    return EXIT_OK


#: What ``batch-issue --offers`` writes in its DIR (private: it holds the transaction codes).
OFFERS_MANIFEST = "offers.jsonl"


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """``batch-issue``'s ``--offers``, ``--tx-code``, ``--server``, ``--config``,
    ``--token-file``."""
    group = parser.add_argument_group("credential offers (OpenID4VCI) instead of files")
    group.add_argument(
        "--offers",
        action="store_true",
        help="make one credential offer per row at --server (microcred serve --oid4vci) "
        f"instead of signing files: DIR/{OFFERS_MANIFEST} (mode 0600) lists each row's URI "
        "(and transaction code), DIR/offer-ROW.png its QR code; --key is not needed",
    )
    group.add_argument("--tx-code", action="store_true", help="with --offers: transaction codes")
    group.add_argument("--server", metavar="URL", help="with --offers: the service")
    group.add_argument("--config", metavar="FILE", help="with --offers: its configuration")
    group.add_argument("--token-file", metavar="FILE", help="with --offers: the admin token")


def _offer_rows(args: argparse.Namespace, template: Any, roster: Any, columns: Any) -> Any:
    """``(row, reference, form | None, problem | None, passing)`` per roster row, under the
    roster rules of ``batch-issue`` (:mod:`microcred.batch`: duplicates, names, grades)."""
    from .. import batch
    from ..model.eu import now_iso

    def first(mapped: Any) -> None:
        batch._check_template_grade(template, mapped, args.template_grade)

    now = now_iso()
    screen = batch._Screen(None)
    for item in batch._items(roster, 2, set(), columns, screen, None, first):
        reference = batch._reference(item.cells, item.number)
        if item.problem is not None:
            yield item.number, reference, None, item.problem, False
            continue
        try:
            form = batch._form_for(template, item.cells, now)
            passing = batch._grade(form)
        except ValueError as exc:
            yield item.number, reference, None, str(exc), False
            continue
        yield item.number, reference, form, None, passing is not False or args.include_failing


def batch_offers(args: argparse.Namespace, template: Any, roster: Any, columns: Any) -> int:
    """``batch-issue --offers``: one offer per row; a refused row never stops the others.

    Returns:
        0 when every row got an offer or was skipped as not a pass, 1 when some failed.
    """
    if not args.server:
        raise CliError("--offers needs --server URL (the running microcred serve --oid4vci)")
    client = OfferClient(args)
    out_dir = Path(args.out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create {out_dir}: {exc.strerror}") from None
    counts = {"offered": 0, "skipped": 0, "failed": 0}
    lines = []
    for row, reference, form, problem, passing in _offer_rows(args, template, roster, columns):
        if form is None or not passing:
            outcome = "failed" if form is None else "skipped"
            counts[outcome] += 1
            said = f"no offer: {problem}" if form is None else "skipped: not a pass"
            print(f"row {row}: {said}", file=sys.stderr)
            continue
        try:
            offer = client.create({"form": form, "tx_code": args.tx_code})
        except CliError as exc:
            counts["failed"] += 1
            print(f"row {row}: no offer: {exc}", file=sys.stderr)
            continue
        name = f"offer-{row:06d}.png"
        write_qr(out_dir / name, offer["uri"], force=True)
        entry = {"row": row, "learner": reference, "uri": offer["uri"], "qr": name,
                 "expires": offer["expires"]}  # fmt: skip
        if offer.get("tx_code"):
            entry["tx_code"] = offer["tx_code"]
        lines.append(json.dumps(entry, ensure_ascii=False))
        counts["offered"] += 1
    text = "".join(line + "\n" for line in lines).encode("utf-8")
    write_new_file(out_dir / OFFERS_MANIFEST, text, force=True, private=True)
    print(
        f"done: {counts['offered']} offers, {counts['skipped']} skipped (not a pass), "
        f"{counts['failed']} failed; manifest {out_dir / OFFERS_MANIFEST}",
        file=sys.stderr,
    )
    return 1 if counts["failed"] else EXIT_OK
