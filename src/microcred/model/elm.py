"""ELM v3 / European Digital Credentials: :func:`to_elm` writes a micro-credential as an
ELM credential (JSON-LD, unsigned), :func:`from_elm` reads the Annex I elements of one.

The element ⇄ property table and the codec are in :mod:`microcred.model._elm_mapping`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._elm_mapping import EDC_CONTEXT, elm_form, to_elm
from .eu import MicroCredential

__all__ = ["EDC_CONTEXT", "from_elm", "to_elm"]


def from_elm(document: Mapping[str, Any]) -> MicroCredential:
    """Read the Annex I elements from an ELM European Digital Credential.

    Raises:
        ValueError: the document is not an ELM credential with a learning achievement
            (``pydantic.ValidationError`` is one).
    """
    return MicroCredential.model_validate(elm_form(document), context={"reading": True})
