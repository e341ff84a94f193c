"""Document loaders: where JSON-LD contexts come from.

Contexts are data that change what a signed credential *means*, so microcred never fetches one
silently. The default :class:`StaticLoader` serves the contexts vendored in the package
(``contexts/manifest.json``) and raises :class:`~microcred.errors.UnknownContextError` for any
other URL. A caller who wants more either adds documents to a :class:`StaticLoader`
(``add``/``add_file``), or opts in to the network with :class:`NetworkLoader` and an
explicit :class:`~microcred.net.Fetcher`. :class:`ChainLoader` combines loaders.

A context URL that the manifest knows is accepted only with content equal (as JSON, compared by
the SHA-256 of its RFC 8785 form) to one of its known revisions, whoever supplies it: this is the
defence against context substitution. Several revisions may share a URL (OB 3.0.3 was amended in
place); :attr:`ContextDocument.revision` reports which one was used.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import rfc8785

from .. import _json
from .._data import data_dir
from ..errors import ContextIntegrityError, MicrocredError, UnknownContextError
from ..limits import DEFAULT_LIMITS, Limits
from ..net import Fetcher

__all__ = [
    "ChainLoader",
    "ContextDocument",
    "ContextManifest",
    "DocumentLoader",
    "ManifestEntry",
    "NetworkLoader",
    "StaticLoader",
    "default_loader",
    "jcs_sha256",
]


def jcs_sha256(document: Any) -> str:
    """Hex SHA-256 of the RFC 8785 (JCS) serialization of ``document``.

    Identifies a context's content independently of formatting and member order.
    """
    return hashlib.sha256(rfc8785.dumps(document)).hexdigest()


@dataclass(frozen=True)
class ContextDocument:
    """One loaded JSON-LD context.

    Attributes:
        url: the URL it was requested as.
        document: the parsed JSON (treat as read-only).
        revision: the manifest revision id (``"ob-3.0.3-amended"``), or ``None`` when the
            content is not a known revision (a context the caller added or fetched).
        jcs_sha256: content hash (see :func:`jcs_sha256`).
        origin: ``"vendored"``, ``"user"`` or ``"network"``.
    """

    url: str
    document: Mapping[str, Any]
    revision: str | None
    jcs_sha256: str
    origin: str


@runtime_checkable
class DocumentLoader(Protocol):
    """Loads the JSON-LD context at ``url``.

    Raises :class:`~microcred.errors.UnknownContextError` when it does not serve the URL, and
    :class:`~microcred.errors.ContextIntegrityError` when the content is not acceptable.
    """

    def load(self, url: str) -> ContextDocument: ...


@dataclass(frozen=True)
class ManifestEntry:
    """One revision of one context as listed in ``contexts/manifest.json``."""

    url: str
    revision: str
    file: str | None
    default: bool
    sha256: str | None
    jcs_sha256: str
    licence: str | None
    source: Mapping[str, Any] | None
    note: str


class ContextManifest:
    """The list of known contexts and their revisions (``contexts/manifest.json``)."""

    def __init__(self, entries: Iterable[ManifestEntry]) -> None:
        self._by_url: dict[str, list[ManifestEntry]] = {}
        for entry in entries:
            self._by_url.setdefault(entry.url, []).append(entry)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ContextManifest:
        """Build a manifest from its JSON form (``format`` 1)."""
        if data.get("format") != 1:
            raise ValueError("unsupported context manifest format")
        return cls(
            ManifestEntry(
                url=item["url"],
                revision=item["revision"],
                file=item.get("file"),
                default=bool(item.get("default", False)),
                sha256=item.get("sha256"),
                jcs_sha256=item["jcs_sha256"],
                licence=item.get("licence"),
                source=item.get("source"),
                note=item.get("note", ""),
            )
            for item in data["contexts"]
        )

    @classmethod
    def vendored(cls) -> ContextManifest:
        """The manifest shipped with microcred."""
        return _vendored_manifest()

    @property
    def urls(self) -> list[str]:
        """Every URL the manifest knows, with or without a vendored file."""
        return sorted(self._by_url)

    def revisions(self, url: str) -> list[ManifestEntry]:
        """Known revisions of ``url`` (empty when the URL is unknown)."""
        return list(self._by_url.get(url, ()))

    def default(self, url: str) -> ManifestEntry | None:
        """The revision served for ``url`` by default (``None`` if there is no vendored file)."""
        for entry in self._by_url.get(url, ()):
            if entry.default and entry.file:
                return entry
        return None

    def identify(self, url: str, content_hash: str) -> ManifestEntry | None:
        """The known revision of ``url`` whose content hash is ``content_hash``, if any."""
        for entry in self._by_url.get(url, ()):
            if entry.jcs_sha256 == content_hash:
                return entry
        return None


@cache
def _vendored_manifest() -> ContextManifest:
    raw = (data_dir("contexts") / "manifest.json").read_bytes()
    return ContextManifest.from_json(json.loads(raw))


def _checked(url: str, document: Any, origin: str, manifest: ContextManifest) -> ContextDocument:
    """Wrap ``document`` for ``url`` after checking it against the manifest's known revisions."""
    if not isinstance(document, dict) or "@context" not in document:
        raise ContextIntegrityError(f"context {url} is not a JSON object with an @context member")
    digest = jcs_sha256(document)
    known = manifest.revisions(url)
    entry = manifest.identify(url, digest)
    if known and entry is None:
        names = ", ".join(e.revision for e in known)
        raise ContextIntegrityError(
            f"context {url} does not match any known revision ({names}); "
            "a modified copy of a known context is never accepted"
        )
    return ContextDocument(
        url=url,
        document=document,
        revision=entry.revision if entry else None,
        jcs_sha256=digest,
        origin=origin,
    )


class StaticLoader:
    """Serves contexts from memory: the vendored ones (by default) plus any the caller adds.

    Never touches the network. Thread-safe for concurrent :meth:`load` calls.

    Args:
        vendored: serve the contexts shipped with microcred (default ``True``).
        manifest: the manifest to check URLs and content against (default: the vendored one).
    """

    def __init__(self, *, vendored: bool = True, manifest: ContextManifest | None = None) -> None:
        self._manifest = manifest or ContextManifest.vendored()
        self._vendored = vendored
        self._documents: dict[str, ContextDocument] = {}
        self._lock = threading.Lock()

    @property
    def manifest(self) -> ContextManifest:
        """The manifest this loader checks against."""
        return self._manifest

    def add(
        self, url: str, document: Mapping[str, Any], *, sha256: str | None = None
    ) -> ContextDocument:
        """Serve ``document`` for ``url`` from now on.

        If the manifest knows ``url``, the content must equal one of its known revisions. If
        ``sha256`` is given (the hex :func:`jcs_sha256` of the expected content), the content must
        match it: this is how a caller pins a context microcred does not know.

        Raises:
            ContextIntegrityError: the content does not match a known revision or the pin.
            ValueError: ``url`` is already served with different content.
        """
        doc = _checked(url, dict(document), "user", self._manifest)
        if sha256 is not None and doc.jcs_sha256 != sha256.lower():
            raise ContextIntegrityError(
                f"context {url} has content hash {doc.jcs_sha256}, not the pinned {sha256}"
            )
        with self._lock:
            existing = self._documents.get(url)
            if existing is not None and existing.jcs_sha256 != doc.jcs_sha256:
                raise ValueError(f"{url} is already served with different content")
            self._documents[url] = doc
        return doc

    def add_file(self, url: str, path: str | Path, *, sha256: str | None = None) -> ContextDocument:
        """Read a context from ``path`` and :meth:`add` it for ``url``."""
        data = Path(path).read_bytes()
        return self.add(url, _json.loads(data), sha256=sha256)

    def load(self, url: str) -> ContextDocument:
        """Return the context served for ``url``.

        Raises:
            UnknownContextError: this loader does not serve ``url`` (nothing is fetched).
        """
        doc = self._documents.get(url)
        if doc is not None:
            return doc
        if self._vendored:
            entry = self._manifest.default(url)
            if entry is not None and entry.file is not None:
                return self._load_vendored(url, entry)
            if self._manifest.revisions(url):
                raise UnknownContextError(
                    url,
                    f"context {url} is known but not shipped with microcred (no registry package "
                    "carries it); supply a copy with StaticLoader.add_file(url, path)",
                )
        raise UnknownContextError(url)

    def _load_vendored(self, url: str, entry: ManifestEntry) -> ContextDocument:
        assert entry.file is not None
        document = json.loads((data_dir("contexts") / entry.file).read_bytes())
        doc = ContextDocument(
            url=url,
            document=document,
            revision=entry.revision,
            jcs_sha256=entry.jcs_sha256,
            origin="vendored",
        )
        with self._lock:
            return self._documents.setdefault(url, doc)


class ChainLoader:
    """Asks each loader in turn; the first that serves the URL wins.

    Only :class:`~microcred.errors.UnknownContextError` passes on to the next loader; any other
    error (such as a context that fails its integrity check) stops the chain.
    """

    def __init__(self, *loaders: DocumentLoader) -> None:
        if not loaders:
            raise ValueError("ChainLoader needs at least one loader")
        self._loaders = loaders

    def load(self, url: str) -> ContextDocument:
        """Return the context from the first loader that serves ``url``."""
        for loader in self._loaders:
            try:
                return loader.load(url)
            except UnknownContextError:
                continue
        raise UnknownContextError(url)


class NetworkLoader:
    """Fetches contexts over the network: an explicit opt-in.

    Args:
        fetcher: the only way this loader reaches the network (e.g.
            :class:`microcred.net.HttpsFetcher` with a host allowlist).
        pins: content hashes (hex :func:`jcs_sha256`) required for given URLs.
        allow_unpinned: accept URLs that are neither in the manifest nor in ``pins``
            (default ``False``: such a URL is an :class:`UnknownContextError`).
        limits: size limit for a context (``max_context_bytes``) and JSON limits.

    A fetched URL that the manifest knows must match one of its revisions. Each URL is fetched
    at most once per loader.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        pins: Mapping[str, str] | None = None,
        allow_unpinned: bool = False,
        limits: Limits = DEFAULT_LIMITS,
        manifest: ContextManifest | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._pins = {url: digest.lower() for url, digest in (pins or {}).items()}
        self._allow_unpinned = allow_unpinned
        self._limits = limits
        self._manifest = manifest or ContextManifest.vendored()
        self._documents: dict[str, ContextDocument] = {}
        self._lock = threading.Lock()

    def load(self, url: str) -> ContextDocument:
        """Fetch (once) and check the context at ``url``."""
        cached = self._documents.get(url)
        if cached is not None:
            return cached
        known = bool(self._manifest.revisions(url))
        if not (known or url in self._pins or self._allow_unpinned):
            raise UnknownContextError(
                url, f"context {url} is not known or pinned, and unpinned contexts are not allowed"
            )
        body = self._fetcher.fetch(
            url,
            accept="application/ld+json, application/json;q=0.9",
            max_bytes=self._limits.max_context_bytes,
        )
        try:
            document = _json.loads(body, limits=self._limits)
        except MicrocredError as exc:
            raise ContextIntegrityError(f"context {url} is not valid JSON: {exc}") from None
        doc = _checked(url, document, "network", self._manifest)
        pin = self._pins.get(url)
        if pin is not None and doc.jcs_sha256 != pin:
            raise ContextIntegrityError(
                f"context {url} has content hash {doc.jcs_sha256}, not the pinned {pin}"
            )
        with self._lock:
            return self._documents.setdefault(url, doc)


@cache
def default_loader() -> StaticLoader:
    """The process-wide offline loader serving the vendored contexts."""
    return StaticLoader()
