"""Offline JSON-LD: document loaders, safe-mode processing and RDFC-1.0 canonicalization.

This package is the only part of microcred that calls pyld. Nothing here opens a socket unless
the caller passes a :class:`NetworkLoader` built on an explicit fetcher.

>>> from microcred import jsonld
>>> doc = {"@context": {"name": "https://schema.org/name"}, "@id": "urn:ex:1", "name": "Ada"}
>>> print(jsonld.canonize(doc).nquads, end="")
<urn:ex:1> <https://schema.org/name> "Ada" .
"""

from __future__ import annotations

from .._public import set_public_module as _set_public_module
from ._canon import CanonicalDataset, canonical_nquads, canonicalize
from ._loader import (
    ChainLoader,
    ContextDocument,
    ContextManifest,
    DocumentLoader,
    ManifestEntry,
    NetworkLoader,
    StaticLoader,
    default_loader,
    jcs_sha256,
)
from ._nquads import Quad, parse_nquads, serialize_nquads
from ._processor import canonize, compact, contexts_of, expand, to_quads

__all__ = [
    "CanonicalDataset",
    "ChainLoader",
    "ContextDocument",
    "ContextManifest",
    "DocumentLoader",
    "ManifestEntry",
    "NetworkLoader",
    "Quad",
    "StaticLoader",
    "canonical_nquads",
    "canonicalize",
    "canonize",
    "compact",
    "contexts_of",
    "default_loader",
    "expand",
    "jcs_sha256",
    "parse_nquads",
    "serialize_nquads",
    "to_quads",
]

_set_public_module(__name__, globals(), __all__)
