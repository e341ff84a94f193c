"""pyld imported without an HTTP client or its other document loaders
(microcred.jsonld._pyld_import)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

_PROBE = """
import json, sys
import microcred.jsonld
from pyld import jsonld
loader = jsonld.get_document_loader()
WATCHED = ("aiohttp", "requests", "asyncio", "pyld.documentloader.aiohttp")
before = sorted(m for m in WATCHED if m in sys.modules)
holds = [type(f).__name__ for f in sys.meta_path if "Hold" in type(f).__name__]
built = loader._build()
after = sorted(m for m in ("aiohttp", "requests") if m in sys.modules)
import pyld
from pyld import FrozenDocumentLoader
package = {"ContextResolver": pyld.ContextResolver.__name__,
           "jsonld": pyld.jsonld is jsonld, "all": "TypeDirectedDocumentLoader" in pyld.__all__,
           "frozen": FrozenDocumentLoader.__name__, "deferred": "__getattr__" in vars(pyld)}
print(json.dumps({"before": before, "after": after, "holds": holds,
                  "loader": type(loader).__name__, "built": built.__module__,
                  "package": package}))
"""


def _probe() -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    )
    found: dict[str, object] = json.loads(completed.stdout)
    return found


def test_importing_jsonld_loads_no_http_client_and_leaves_no_finder() -> None:
    found = _probe()
    assert found["before"] == []
    assert found["holds"] == []
    assert found["loader"] == "_DeferredDefaultLoader"


def test_the_pyld_package_is_whole_on_first_use_of_its_names() -> None:
    # its __init__ runs on the first lookup of a name it defines, then is out of the way
    found = _probe()
    assert found["package"] == {
        "ContextResolver": "ContextResolver",
        "jsonld": True,
        "all": True,
        "frozen": "FrozenDocumentLoader",
        "deferred": False,
    }


def test_a_pyld_imported_first_is_used_as_it_is() -> None:
    code = (
        "import sys, pyld, microcred.jsonld\n"
        "from microcred.jsonld._processor import _pyld\n"
        "print(_pyld is pyld.jsonld, 'pyld.documentloader.aiohttp' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["True", "True"]


@pytest.mark.skipif(
    importlib.util.find_spec("aiohttp") is None or importlib.util.find_spec("requests") is not None,
    reason="needs aiohttp installed and requests not (the edc extra's environment)",
)
def test_pylds_default_loader_is_built_as_pyld_builds_it_on_first_use() -> None:
    # pyld's own order: requests, else aiohttp, else the dummy loader
    found = _probe()
    assert found["after"] == ["aiohttp"]
    assert found["built"] == "pyld.documentloader.aiohttp"


def test_the_hold_refuses_only_the_importing_thread() -> None:
    import threading

    from microcred.jsonld._pyld_import import _HoldHttpClients

    hold = _HoldHttpClients()
    with pytest.raises(ImportError, match="first used"):
        hold.find_spec("aiohttp", None)
    assert hold.find_spec("json", None) is None
    seen: list[object] = []
    other = threading.Thread(target=lambda: seen.append(hold.find_spec("aiohttp", None)))
    other.start()
    other.join()
    assert seen == [None]
