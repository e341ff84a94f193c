"""pyld, imported without loading an HTTP client.

When pyld is imported it builds its default document loader at once: it tries the
``requests`` loader, then the ``aiohttp`` one, so importing pyld imports whichever HTTP client
is installed (aiohttp and its dependencies cost about 0.1 s, most of ``microcred verify``'s cold
start when the ``edc`` extra brings aiohttp in). microcred never uses that loader: every call
into pyld passes microcred's own offline loader.

So the first import of pyld goes through :func:`import_pyld`, which keeps the two HTTP clients
from loading during that import, in that thread (pyld then starts with its "dummy" loader, as
when neither is installed), and installs in its place a loader that builds pyld's usual default
(``requests``, else ``aiohttp``, else the dummy one) on its first call. Code that calls pyld's
default loader itself sees the same behaviour, one call later; any other import of the HTTP
clients, then or later, is untouched.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

__all__ = ["import_pyld"]

#: The HTTP clients pyld's default loader is built on.
_HTTP_CLIENTS = frozenset({"requests", "aiohttp"})


class _HoldHttpClients(importlib.abc.MetaPathFinder):
    """A finder that refuses the HTTP clients to the thread importing pyld (an
    ``ImportError``, which pyld expects when one is not installed); in ``sys.meta_path``
    only while pyld is first imported."""

    def __init__(self) -> None:
        self._thread = threading.get_ident()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in _HTTP_CLIENTS and threading.get_ident() == self._thread:
            raise ImportError(f"{fullname} is imported when pyld's default loader is first used")
        return None


class _DeferredDefaultLoader:
    """pyld's default document loader, built as pyld builds it, on the first call."""

    def __init__(self, jsonld: ModuleType) -> None:
        self._jsonld = jsonld
        self._loader: Callable[..., Any] | None = None
        self._lock = threading.Lock()

    def __call__(self, url: str, options: Any = None) -> Any:
        loader = self._loader
        if loader is None:
            with self._lock:
                if self._loader is None:
                    self._loader = self._build()
                loader = self._loader
        return loader(url, options or {})

    def _build(self) -> Callable[..., Any]:
        jsonld = self._jsonld
        try:
            built: Callable[..., Any] = jsonld.requests_document_loader()
        except ImportError:
            try:
                built = jsonld.aiohttp_document_loader()
            except (ImportError, SyntaxError):
                built = jsonld.dummy_document_loader()
        return built


_IMPORT_LOCK = threading.Lock()


def import_pyld() -> ModuleType:
    """``pyld.jsonld``, imported (once) without its network loaders (see the module text).

    Returns:
        The ``pyld.jsonld`` module.
    """
    loaded = sys.modules.get("pyld.jsonld")
    if loaded is not None:
        return loaded
    with _IMPORT_LOCK:
        loaded = sys.modules.get("pyld.jsonld")
        if loaded is not None:  # imported meanwhile, or by the caller's own code first
            return loaded
        hold = _HoldHttpClients()
        sys.meta_path.insert(0, hold)
        try:
            from pyld import jsonld as imported
        finally:
            sys.meta_path.remove(hold)
        jsonld: ModuleType = imported
        if jsonld.get_document_loader().__module__ == "pyld.jsonld":  # the dummy one
            jsonld.set_document_loader(_DeferredDefaultLoader(jsonld))
        return jsonld
