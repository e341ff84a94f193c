"""Reading CLI inputs: files, standard input, keys and controller documents."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _json
from ..errors import MicrocredError
from ..limits import DEFAULT_LIMITS, Limits
from ._common import CliError

if TYPE_CHECKING:
    from ..keys import KeyPair

__all__ = ["read_input", "read_json_file", "read_json_object", "read_key"]


def read_input(path: str, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of ``path`` (``-`` = standard input), at most ``limits.max_input_bytes``.

    Raises:
        CliError: unreadable, or over the size limit (exit code 2).
    """
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limits.max_input_bytes + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limits.max_input_bytes + 1)
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limits.max_input_bytes:
        raise CliError(f"{path} is over the input limit of {limits.max_input_bytes} bytes")
    return data


def read_json_file(path: str, what: str) -> Any:
    """Parse the JSON file at ``path`` strictly; a :class:`CliError` names ``what`` it is."""
    try:
        return _json.loads(read_input(path))
    except MicrocredError as exc:
        raise CliError(f"{what} {path}: {exc}") from None


def read_json_object(path: str, what: str) -> dict[str, Any]:
    """:func:`read_json_file` for a file that must hold a JSON object (a credential)."""
    value = read_json_file(path, what)
    if not isinstance(value, dict):
        raise CliError(f"{path} must hold a JSON object")
    return value


def read_key(path: str) -> KeyPair:
    """Load a private JWK key file (as ``microcred keygen`` writes it)."""
    from ..keys import KeyPair

    try:
        return KeyPair.from_private_jwk_bytes(read_input(path))
    except MicrocredError as exc:
        raise CliError(f"key file {path}: {exc}") from None


def display_path(path: str) -> str:
    """How an input is named in reports (``-`` for standard input)."""
    return path if path == "-" else str(Path(path))
