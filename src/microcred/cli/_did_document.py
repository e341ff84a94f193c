"""``microcred did-document``: the DID document (did:web) or controller document (https) an
institution publishes so that verifiers find its keys. Public key parts only."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .. import _json, keys
from ..errors import MicrocredError
from ._common import EXIT_OK, CliError, add_output_arguments, write_output
from ._io import read_input

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``did-document`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "did-document",
        help="write the DID document (did:web) or controller document (https) to publish",
        description="Write the document that lists the keys' public parts (verificationMethod, "
        "assertionMethod, authentication) for their controller: a did:web DID document or an "
        "https controller document. Every key must have the same controller (keygen --did "
        "web:... or --controller https://...). Standard error says where to publish it: "
        "did:web:HOST -> https://HOST/.well-known/did.json; did:web:HOST:PATH -> "
        "https://HOST/PATH/did.json; an https controller -> its own URL. No private key member "
        "is ever written.",
    )
    parser.add_argument(
        "keys",
        nargs="+",
        metavar="KEY.json",
        help="key files as keygen writes them (private or public JWKs with their kid)",
    )
    parser.add_argument(
        "--no-authentication",
        action="store_true",
        help="list the keys under assertionMethod only (signing credentials), not also under "
        "authentication (signing presentations, logging in)",
    )
    add_output_arguments(parser)
    parser.set_defaults(handler=run)


def _read(path: str) -> keys.KeyPair:
    try:
        jwk = _json.loads(read_input(path))
        if not isinstance(jwk, dict):
            raise CliError(f"key file {path}: a key file must hold a JWK (a JSON object)")
        if not isinstance(jwk.get("kid"), str):
            raise CliError(
                f"key file {path} has no kid: it names no controller "
                "(make it with keygen --did web:HOST or --controller https://...)"
            )
        return keys.KeyPair.from_jwk(jwk)
    except MicrocredError as exc:
        raise CliError(f"key file {path}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    """Read the keys, write their document, say where it goes."""
    pairs = [(path, _read(path)) for path in args.keys]
    first_path, first = pairs[0]
    for path, pair in pairs[1:]:
        if pair.did != first.did:
            raise CliError(
                f"{first_path} and {path} have different controllers ({first.did} and "
                f"{pair.did}): one document lists the keys of one controller"
            )
    try:
        document = keys.publishable_document(
            [pair for _, pair in pairs], authentication=not args.no_authentication
        )
        where = keys.publication_url(first.did)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_output(text, args.output, force=args.force)
    count = len(document["verificationMethod"])
    what = "DID document" if first.did.startswith("did:") else "controller document"
    print(
        f"{what} of {first.did} ({count} key{'s' if count != 1 else ''}): publish it at "
        f"{where} (served as application/json over https); verifiers offline use it with "
        "microcred verify --controller-doc",
        file=sys.stderr,
    )
    return EXIT_OK
