"""``microcred derive``: the holder's selective disclosure of an ``ecdsa-sd-2023`` credential."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..proofs import derive
from ._common import EXIT_OK, CliError, add_output_arguments, write_output
from ._io import read_json_object

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``derive`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "derive",
        help="disclose parts of an ecdsa-sd-2023 credential (holder)",
        description="Derive from CRED.json (which carries the issuer's ecdsa-sd-2023 base "
        "proof) a credential that reveals only the issuer's mandatory parts and those named "
        "by --reveal, with a derived proof any verifier can check.",
    )
    parser.add_argument("credential", metavar="CRED.json")
    parser.add_argument(
        "--reveal",
        action="append",
        default=[],
        metavar="POINTER",
        help="a JSON pointer to disclose (repeatable), e.g. /credentialSubject/achievement",
    )
    add_output_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Derive and write the disclosed credential."""
    document = read_json_object(args.credential, "credential")
    try:
        result = derive(document, args.reveal)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    write_output(text, args.output, force=args.force)
    return EXIT_OK
