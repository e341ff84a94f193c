"""The IRIs the model's codecs share (a leaf: it imports nothing of the model)."""

from __future__ import annotations

__all__ = ["EU_CONTEXT", "EXT_NS"]

#: microcred's JSON-LD extension context for the Annex I elements OB 3.0 has no property for.
EU_CONTEXT = "https://microcred.dev/contexts/eu-microcredential-v1.jsonld"
#: The namespace of microcred's own concepts (elements without an EU vocabulary entry).
EXT_NS = "https://microcred.dev/ns/eu#"
