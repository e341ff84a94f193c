"""``microcred present``: the holder's presentation of an SD-JWT (RFC 9901 §4.3)."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import MicrocredError
from ._common import EXIT_OK, CliError, add_output_arguments, datetime_option, write_output
from ._io import read_input, read_key

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``present`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "present",
        help="present an SD-JWT with only the chosen claims disclosed, with key binding (holder)",
        description="Write a presentation of the SD-JWT (or SD-JWT VC) in IN that discloses "
        "only the claims named by --disclose (and the claims they are inside, and inside "
        "them); with --holder-key, a Key Binding JWT (typ kb+jwt) for the verifier's --nonce "
        "and --aud.",
    )
    parser.add_argument("input", metavar="IN", help="the SD-JWT as issued ('-': stdin)")
    parser.add_argument(
        "--disclose",
        action="append",
        default=[],
        metavar="POINTER",
        help="a JSON pointer (RFC 6901) to a claim to disclose (repeatable), e.g. "
        "/credentialSubject/achievement/name",
    )
    parser.add_argument(
        "--holder-key", metavar="H.json", help="the holder's private key (the SD-JWT's cnf)"
    )
    parser.add_argument("--nonce", metavar="N", help="the verifier's nonce (with --holder-key)")
    parser.add_argument("--aud", metavar="A", help="the verifier's identifier (with --holder-key)")
    parser.add_argument(
        "--iat", metavar="ISO-8601", help="the key binding JWT's issue time (default: now)"
    )
    add_output_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Present and write the result (one line)."""
    from ..sdjwt import present_sd_jwt

    try:
        text = read_input(args.input).decode("ascii").strip()
    except UnicodeDecodeError:
        raise CliError(f"{args.input}: an SD-JWT is ASCII text") from None
    if args.holder_key is None and (args.nonce or args.aud):
        raise CliError("--nonce and --aud go into a key binding JWT: pass --holder-key too")
    if args.holder_key is not None and (not args.nonce or not args.aud):
        raise CliError("--holder-key needs --nonce N and --aud A (the verifier's)")
    issued_at = datetime_option(args.iat, "--iat") if args.iat is not None else None
    holder = read_key(args.holder_key) if args.holder_key else None
    try:
        result = present_sd_jwt(
            text,
            args.disclose,
            holder_key=holder,
            nonce=args.nonce,
            audience=args.aud,
            issued_at=issued_at,
        )
    except (ValueError, MicrocredError) as exc:
        raise CliError(f"{args.input}: {exc}") from None
    write_output(result + "\n", args.output, force=args.force)
    return EXIT_OK
