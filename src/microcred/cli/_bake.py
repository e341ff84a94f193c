"""``microcred bake`` / ``microcred unbake``: a credential inside its badge image (PNG or SVG)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import baking
from .._input import read_input as read_document
from ..errors import MicrocredError
from ..limits import DEFAULT_LIMITS
from ._common import EXIT_OK, CliError, write_new_file
from ._io import read_input

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``bake`` and ``unbake`` sub-commands."""
    bake = sub.add_parser(
        "bake",
        help="bake a credential into a PNG or SVG badge image",
        description="Write a copy of IMAGE carrying CRED (a JSON credential or a file holding a "
        "compact JWT), as Open Badges 3.0 specifies (PNG iTXt chunk 'openbadgecredential', "
        "SVG openbadges:credential element). An earlier baked credential is replaced.",
    )
    bake.add_argument("image", metavar="IMAGE")
    bake.add_argument("credential", metavar="CRED")
    bake.add_argument("-o", "--output", required=True, metavar="OUT")
    bake.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    bake.set_defaults(handler=run_bake)

    unbake = sub.add_parser(
        "unbake",
        help="print the credential baked into a PNG or SVG badge image",
        description="Print the credential text (JSON or a compact JWT) baked into IMAGE. "
        "Nothing is verified: pass the image to 'microcred verify' for that.",
    )
    unbake.add_argument("image", metavar="IMAGE")
    unbake.set_defaults(handler=run_unbake)


def run_bake(args: argparse.Namespace) -> int:
    """Bake and write the new image."""
    image = read_input(args.image)
    try:
        credential, _ = read_document(read_input(args.credential), limits=DEFAULT_LIMITS)
        baked = baking.bake(image, credential)
    except MicrocredError as exc:
        raise CliError(f"{exc}") from None
    write_new_file(Path(args.output), baked, force=args.force)
    print(f"baked the credential into {args.output}", file=sys.stderr)
    return EXIT_OK


def run_unbake(args: argparse.Namespace) -> int:
    """Print the baked credential."""
    try:
        text = baking.unbake(read_input(args.image))
    except MicrocredError as exc:
        raise CliError(f"{args.image}: {exc}") from None
    sys.stdout.write(text + "\n")
    return EXIT_OK
