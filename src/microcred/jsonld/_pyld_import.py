"""pyld, imported without loading an HTTP client or its other document loaders.

When pyld is imported it builds its default document loader at once: it tries the
``requests`` loader, then the ``aiohttp`` one, so importing pyld imports whichever HTTP client
is installed (aiohttp and its dependencies cost about 0.1 s, most of ``microcred verify``'s cold
start when the ``edc`` extra brings aiohttp in), and the package's ``__init__`` imports every
document loader module pyld has (asyncio, urllib.request: another 25 ms). microcred uses none
of them: every call into pyld passes microcred's own offline loader, and microcred uses only
``pyld.jsonld`` (and the modules it imports).

So the first import of pyld goes through :func:`import_pyld`:

* when pyld is not imported yet, the ``pyld`` package is set up without running its
  ``__init__``, which runs on the first lookup of a name the package's ``__init__`` defines
  (``pyld.ContextResolver``, ``from pyld import FrozenDocumentLoader``, ...): code that uses
  the package gets it whole, at that moment;
* while ``pyld.jsonld`` is imported, in that thread only, the HTTP clients and pyld's two
  network loader modules are refused (an ``ImportError``, as when they are not installed):
  pyld then starts with its "dummy" loader, which :func:`import_pyld` replaces with a loader
  that builds pyld's usual default (``requests``, else ``aiohttp``, else the dummy one) on its
  first call. Any other import of these modules, then or later, is untouched.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import pkgutil
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

__all__ = ["import_pyld"]

#: The HTTP clients pyld's default loader is built on, and pyld's modules that import them.
_HTTP_CLIENTS = frozenset(
    {"requests", "aiohttp", "pyld.documentloader.requests", "pyld.documentloader.aiohttp"}
)


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


_IMPORT_LOCK = threading.RLock()


def _package_without_init() -> None:
    """Put the ``pyld`` package in ``sys.modules`` without running its ``__init__``, which
    then runs on the first lookup of a name it defines (see the module text)."""
    spec = importlib.util.find_spec("pyld")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ImportError("pyld is not installed")  # (a base dependency)
    package = importlib.util.module_from_spec(spec)
    submodules = {info.name for info in pkgutil.iter_modules(spec.submodule_search_locations)}
    loader = spec.loader

    def complete(name: str) -> Any:
        # submodules are imported by the import system; dunder lookups are its own
        if name in submodules or (name.startswith("__") and name != "__all__"):
            raise AttributeError(name)
        with _IMPORT_LOCK:
            if package.__dict__.pop("__getattr__", None) is not None:
                loader.exec_module(package)
        try:
            return package.__dict__[name]
        except KeyError:
            raise AttributeError(f"module 'pyld' has no attribute {name!r}") from None

    package.__dict__["__getattr__"] = complete
    sys.modules["pyld"] = package


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
        if "pyld" not in sys.modules:
            _package_without_init()
        hold = _HoldHttpClients()
        sys.meta_path.insert(0, hold)
        try:
            imported = importlib.import_module("pyld.jsonld")
        finally:
            sys.meta_path.remove(hold)
        jsonld: ModuleType = imported
        if jsonld.get_document_loader().__module__ == "pyld.jsonld":  # the dummy one
            jsonld.set_document_loader(_DeferredDefaultLoader(jsonld))
        return jsonld
