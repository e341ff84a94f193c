"""Access to the data shipped with microcred (JSON-LD contexts, JSON Schemas).

In a wheel, ``contexts/`` and ``schemas/`` are force-included as ``microcred/_data/...`` and
read through :mod:`importlib.resources`. In an editable install or a source checkout the same
folders are read from the project root, so edits to them are seen without re-installing.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

__all__ = ["TINY_PNG", "data_dir"]

#: A valid 1×1 transparent PNG (signature, IHDR, IDAT, IEND): the placeholder image of
#: examples, tests and the ELM display parameters (:func:`microcred.baking.tiny_png`).
TINY_PNG = (
    b"\x89PNG\r\n\x1a\n"
    b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\x0bIDATx\x9cc`\x00\x02\x00\x00\x05\x00\x01z^\xab?"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@cache
def data_dir(name: str) -> Traversable:
    """Return the folder of shipped data called ``name`` (``"contexts"`` or ``"schemas"``).

    Raises:
        FileNotFoundError: the installation is incomplete (neither location holds the folder).
    """
    if name not in ("contexts", "schemas"):
        raise ValueError(f"unknown data folder: {name!r}")
    packaged = resources.files("microcred") / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout_root = Path(__file__).resolve().parents[2]
    candidate = checkout_root / name
    if (checkout_root / "pyproject.toml").is_file() and candidate.is_dir():
        return candidate
    raise FileNotFoundError(f"microcred data folder {name!r} is missing from this installation")
