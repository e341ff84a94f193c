"""The learner-identity opt-in shared by the commands that build credentials.

``--include-national-id hmac|salted``, ``--include-email hmac|salted`` and
``--identity-key FILE`` become a :class:`~microcred.model.identity.IdentityPolicy`; without
them the national id and the e-mail go into no credential. A
:class:`~microcred.model.identity.ReversibleIdentityWarning` is printed on standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from collections.abc import Iterator
from typing import Any, cast

from ..model.identity import (
    IdentityMode,
    IdentityPolicy,
    ReversibleIdentityWarning,
    check_identity_key,
)
from ._common import CliError

__all__ = ["add_identity_arguments", "identity_policy", "reporting_identity_warnings"]

_MODES = ("hmac", "salted")


def add_identity_arguments(parser: Any) -> None:
    """Add ``--include-national-id``, ``--include-email`` and ``--identity-key``."""
    group = parser.add_argument_group(
        "learner identity",
        "By default the learner's personal identity number and e-mail address go into no "
        "credential: the learner is identified by name, Ladok UID, ESI and DID. "
        "hmac: a keyed hash only the holder of --identity-key can test; salted: the OB 3.0 "
        "salted SHA-256 hash, which anyone can reverse in seconds (a warning is printed).",
    )
    group.add_argument(
        "--include-national-id",
        choices=_MODES,
        metavar="{hmac,salted}",
        help="put the personal identity number in as a keyed (hmac) or salted hash",
    )
    group.add_argument(
        "--include-email",
        choices=_MODES,
        metavar="{hmac,salted}",
        help="put the e-mail address in as a keyed (hmac) or salted hash",
    )
    group.add_argument(
        "--identity-key",
        metavar="FILE",
        help="the issuer's secret for hmac: the file's bytes, as they are, at least 32 "
        "(e.g. 32 random bytes); keep it secret, and keep it to test matches later",
    )


def identity_policy(args: argparse.Namespace) -> IdentityPolicy:
    """The policy the arguments ask for.

    Raises:
        CliError: hmac without ``--identity-key``, a key file that cannot be read or is too
            short, or ``--identity-key`` without hmac (exit code 2).
    """
    national = getattr(args, "include_national_id", None) or "omit"
    email = getattr(args, "include_email", None) or "omit"
    path = getattr(args, "identity_key", None)
    wants_key = "hmac" in (national, email)
    if wants_key and not path:
        raise CliError("hmac needs the issuer's secret: give --identity-key FILE")
    if path and not wants_key:
        raise CliError(
            "--identity-key is used only with --include-national-id/--include-email hmac"
        )
    key: bytes | None = None
    if path:
        try:
            with open(path, "rb") as handle:
                key = handle.read(64 * 1024 + 1)
        except OSError as exc:
            raise CliError(f"cannot read identity key {path}: {exc.strerror or exc}") from None
        if len(key) > 64 * 1024:
            raise CliError(f"identity key {path} is over 64 KiB: not a key file")
        try:
            key = check_identity_key(key)
        except ValueError as exc:
            raise CliError(f"identity key {path}: {exc}") from None
    return IdentityPolicy(
        national_id=cast(IdentityMode, national), email=cast(IdentityMode, email), key=key
    )


@contextlib.contextmanager
def reporting_identity_warnings() -> Iterator[None]:
    """Print each distinct :class:`ReversibleIdentityWarning` raised inside, once, on standard
    error as ``microcred: warning: ...``; other warnings are left alone."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReversibleIdentityWarning)
        try:
            yield
        finally:
            seen: set[str] = set()
            for item in caught:
                if issubclass(item.category, ReversibleIdentityWarning):
                    text = str(item.message)
                    if text not in seen:
                        seen.add(text)
                        print(f"microcred: warning: {text}", file=sys.stderr)
                else:
                    warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
