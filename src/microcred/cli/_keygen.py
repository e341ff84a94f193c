"""``microcred keygen``: create a signing key as a private JWK whose ``kid`` is its
verification method id: the key's own ``did:key:z6Mk...#z6Mk...`` / ``did:jwk:...#0``, or an
identifier of the institution's own (``did:web:uni.example.se#key-1``,
``https://uni.example.se/issuer#key-1``) whose document ``microcred did-document`` writes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .. import keys
from ..errors import InvalidDidError
from ._common import EXIT_OK, CliError, write_new_file

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``keygen`` sub-command to ``sub``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "keygen",
        help="create a signing key (JWK with private members, kid = verification method)",
        description="Create a key pair and write it as a JWK with its private members. "
        "The JWK's kid is the verification method id the key signs as; the controller (the "
        "issuer id: a DID, or an https controller document URL) is the part before '#'. For "
        "did:web or --controller, publish the controller's document: microcred did-document.",
    )
    parser.add_argument(
        "--type",
        dest="key_type",
        required=True,
        choices=["Ed25519", "P-256", "P-384", "RSA"],
        help="key type",
    )
    parser.add_argument(
        "--did",
        dest="did_method",
        type=_did_argument,
        default=None,
        metavar="key|jwk|web:HOST[:PATH]",
        help="the controller: the key's own did:key (default; RSA needs jwk) or did:jwk, or "
        "the institution's did:web (web:uni.example.se, web:uni.example.se:issuers:2026, "
        "web:localhost%%3A8443 for a port)",
    )
    parser.add_argument(
        "--controller",
        metavar="https://...",
        help="the https URL of a controller document (instead of --did), e.g. "
        "https://uni.example.se/issuer",
    )
    parser.add_argument(
        "--key-id",
        metavar="NAME",
        help="with did:web or --controller: the key's name after '#' (letters, digits, "
        "'.', '_', '~', '-'; default: its publicKeyMultibase, for RSA its JWK thumbprint)",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="KEY.json",
        help="where to write the private JWK ('-' for standard output)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(handler=run)


def _did_argument(value: str) -> str:
    """``key``, ``jwk`` or ``web:HOST[:PATH]`` (checked), as ``--did`` takes it."""
    if value in ("key", "jwk"):
        return value
    if value.startswith("did:"):
        value = value[len("did:") :]
    if not value.startswith("web:"):
        raise argparse.ArgumentTypeError(
            f"{value!r}: use key, jwk, or web:HOST[:PATH] (e.g. web:uni.example.se)"
        )
    try:
        keys.check_did_web(f"did:{value}")
    except InvalidDidError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def run(args: argparse.Namespace) -> int:
    """Generate the key and write it; print its verification method to standard error (and,
    for did:web or an https controller, where its document goes)."""
    controller: str | None = None
    if args.controller is not None:
        if args.did_method is not None:
            raise CliError("--did and --controller both name the controller: give one")
        try:
            keys.check_https_controller(args.controller)
        except InvalidDidError as exc:
            raise CliError(f"--controller: {exc}") from None
        controller = args.controller
    elif args.did_method is not None and args.did_method.startswith("web:"):
        controller = f"did:{args.did_method}"
    if args.key_id is not None and controller is None:
        raise CliError("--key-id names a key under --did web:... or --controller only")
    try:
        if controller is not None:
            pair = keys.generate(args.key_type, controller=controller, key_id=args.key_id)
        else:
            did_method = args.did_method or ("jwk" if args.key_type == "RSA" else "key")
            if did_method == "key" and args.key_type == "RSA":
                raise CliError("RSA keys have no did:key here: use --did jwk (or did:web)")
            pair = keys.generate(args.key_type, did_method=did_method)
    except InvalidDidError as exc:
        raise CliError(str(exc)) from None
    data = (json.dumps(pair.private_jwk(), indent=2) + "\n").encode()
    if args.output == "-":
        sys.stdout.write(data.decode())
    else:
        write_new_file(Path(args.output), data, force=args.force, private=True)
        print(
            f"wrote {args.key_type} key {pair.verification_method} to {args.output}",
            file=sys.stderr,
        )
    if controller is not None:
        where = keys.publication_url(controller)
        print(
            f"publish its document at {where}: microcred did-document "
            f"{args.output if args.output != '-' else 'KEY.json'} -o did.json",
            file=sys.stderr,
        )
    return EXIT_OK
