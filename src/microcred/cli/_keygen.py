"""``microcred keygen``: create a signing key as a private JWK whose ``kid`` is its
verification method id (``did:key:z6Mk...#z6Mk...`` or ``did:jwk:...#0``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .. import keys
from ._common import EXIT_OK, write_new_file

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``keygen`` sub-command to ``sub``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "keygen",
        help="create a signing key (JWK with private members, kid = verification method)",
        description="Create a key pair and write it as a JWK with its private members. "
        "The JWK's kid is the verification method id; the controller DID is the part before '#'.",
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
        choices=["key", "jwk"],
        default=None,
        help="DID method for the controller (default: key; RSA needs jwk)",
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


def run(args: argparse.Namespace) -> int:
    """Generate the key and write it; print the DID to standard error."""
    did_method = args.did_method or ("jwk" if args.key_type == "RSA" else "key")
    pair = keys.generate(args.key_type, did_method=did_method)
    data = (json.dumps(pair.private_jwk(), indent=2) + "\n").encode()
    if args.output == "-":
        sys.stdout.write(data.decode())
    else:
        write_new_file(Path(args.output), data, force=args.force, private=True)
        print(
            f"wrote {args.key_type} key {pair.verification_method} to {args.output}",
            file=sys.stderr,
        )
    return EXIT_OK
