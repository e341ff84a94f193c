"""Where a public class says it lives: the face that exports it, not its private module.

``KeyPair`` is defined in ``microcred.keys._keypair`` and used as ``microcred.keys.KeyPair``;
its ``__module__`` says the latter, so that ``repr``, ``help()``, error messages and pickles
name the path a caller can import (as httpx does for its exports). A class defined in a
public module (``microcred.errors``, ``microcred.report``, ``microcred.model.eu``) keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["set_public_module"]


def set_public_module(face: str, namespace: Mapping[str, object], names: Iterable[str]) -> None:
    """Make every class among ``names`` in ``namespace`` that a private module defines report
    ``face`` as its ``__module__``.

    Args:
        face: the public module's name (``"microcred.keys"``).
        namespace: where the names are (the face's ``globals()``, or the names it just loaded).
        names: the names the face exports.
    """
    for name in names:
        value = namespace.get(name)
        if isinstance(value, type) and _is_private(value.__module__):
            value.__module__ = face


def _is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))
