"""``microcred seal``: seal an ELM credential as a European Digital Credential (a JAdES
baseline seal, ETSI TS 119 182-1, in the European Commission's header profile), with the
issuer's seal key and certificate chain; B-T with a time-stamping authority (``--tsa``, the
only network access, and only when given)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import MicrocredError
from ._common import EXIT_OK, CliError, add_output_arguments, datetime_option, write_output
from ._io import read_input, read_json_object

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``seal`` sub-command to ``sub``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "seal",
        help="seal an ELM credential as a European Digital Credential (JAdES, eIDAS seal)",
        description="Seal an ELM credential (as 'microcred convert --to elm' writes it) with "
        "an electronic seal: a JAdES baseline signature in the JWS JSON serialization with an "
        "unencoded payload, as Europass accepts. B-B; B-T with --tsa (an RFC 3161 "
        "time-stamping authority: the only network access, and only then).",
    )
    parser.add_argument("credential", metavar="ELM.json", help="the credential ('-': stdin)")
    parser.add_argument(
        "--key",
        required=True,
        metavar="KEY.pem",
        help="the seal's private key (PEM or DER, unencrypted; RSA 2048+ or ECDSA P-256/P-384)",
    )
    parser.add_argument(
        "--cert",
        required=True,
        metavar="CHAIN.pem",
        help="the seal certificate, then its issuing CA certificates (PEM)",
    )
    parser.add_argument(
        "--tsa",
        metavar="URL",
        help="an RFC 3161 time-stamping authority (http or https): a signature time-stamp (B-T)",
    )
    parser.add_argument(
        "--content-timestamp",
        action="store_true",
        help="with --tsa: also time-stamp the payload before sealing (adoTst)",
    )
    parser.add_argument(
        "--alg",
        choices=["RS256", "PS256", "ES256", "ES384"],
        help="the JWS algorithm (default: by key, RS256 for RSA)",
    )
    parser.add_argument(
        "--signing-time", metavar="ISO-8601", help="the claimed signing time (default: now)"
    )
    add_output_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Seal the credential and write the sealed JSON."""
    from ..edc import HttpTsa, seal

    if args.content_timestamp and not args.tsa:
        raise CliError("--content-timestamp needs --tsa")
    credential = read_json_object(args.credential, "credential")
    when = (
        datetime_option(args.signing_time, "--signing-time")
        if args.signing_time is not None
        else None
    )
    try:
        tsa = HttpTsa(args.tsa) if args.tsa else None
    except ValueError as exc:
        raise CliError(f"--tsa: {exc}") from None
    try:
        sealed = seal(
            credential,
            read_input(args.key),
            read_input(args.cert),
            signing_time=when,
            tsa=tsa,
            algorithm=args.alg,
            content_timestamp=args.content_timestamp,
        )
    except MicrocredError as exc:
        raise CliError(f"cannot seal {args.credential}: {exc}", exit_code=1) from None
    write_output(json.dumps(sealed, ensure_ascii=False) + "\n", args.output, force=args.force)
    if args.output:
        level = "B-T" if args.tsa else "B-B"
        print(f"sealed {args.credential} ({level}) -> {args.output}", file=sys.stderr)
    return EXIT_OK
