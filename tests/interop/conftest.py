"""Interop with the reference JavaScript stack (Node): installs pinned npm packages itself.

Skips with a stated reason when Node.js/npm are absent. When ``CI=true`` a failed install is an
error, not a skip: CI must really run these tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from microcred import jsonld

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


class NodeStack:
    """One long-running ``node interop.mjs`` process speaking JSON Lines."""

    def __init__(self, process: subprocess.Popen[str], name: str = "Node interop helper") -> None:
        self.process = process
        self.name = name

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} exited")
        response: dict[str, Any] = json.loads(line)
        if not response.get("ok"):
            raise RuntimeError(f"the {self.name} failed: {response.get('error')}")
        return response

    def __call__(self, **message: Any) -> dict[str, Any]:
        """:meth:`request` with the message as keyword arguments."""
        return self.request(message)


def _missing(reason: str, *, required_in_ci: bool) -> None:
    if required_in_ci and os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must run these interop tests)")
    pytest.skip(reason)


def _install(folder: str, what: str, *, node_required_in_ci: bool) -> Path:
    """Install the pinned npm packages of ``tests/interop/<folder>`` (``npm ci`` from its lock
    file, once per lock file) into ``.interop/<folder>``; skip with the reason without Node or
    when the install fails (a failed install fails the test under ``CI=true``)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing(f"Node.js/npm not installed: {what} not run", required_in_ci=node_required_in_ci)
    assert npm is not None
    source, cache = HERE / folder, ROOT / ".interop" / folder
    cache.mkdir(parents=True, exist_ok=True)
    stamp_value = hashlib.sha256(
        (source / "package.json").read_bytes() + (source / "package-lock.json").read_bytes()
    ).hexdigest()
    stamp = cache / ".stamp"
    for name in ("package.json", "package-lock.json", "interop.mjs"):
        shutil.copyfile(source / name, cache / name)
    if stamp.exists() and stamp.read_text() == stamp_value and (cache / "node_modules").is_dir():
        return cache
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=cache,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["npm ci failed"])[-1]
        _missing(f"could not install the npm packages for {what}: {last}", required_in_ci=True)
    stamp.write_text(stamp_value)
    return cache


@contextlib.contextmanager
def node_helper(
    folder: str, what: str, *, node_required_in_ci: bool = False, quiet: bool = False
) -> Iterator[NodeStack]:
    """The Node helper of ``tests/interop/<folder>`` (its ``interop.mjs``), installed and
    started; stopped on exit. ``what`` names the interop in skip messages; ``quiet``: the
    helper's standard error (a chatty library's log) is dropped."""
    cache = _install(folder, what, node_required_in_ci=node_required_in_ci)
    process = subprocess.Popen(
        ["node", str(cache / "interop.mjs")],
        cwd=cache,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else None,
        text=True,
    )
    try:
        yield NodeStack(process, f"Node helper for {what}")
    finally:
        if process.stdin:
            process.stdin.close()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def node_stack() -> Iterator[NodeStack]:
    """The reference stack, started once per test session."""
    with node_helper("node", "interop with the reference JavaScript stack") as stack:
        yield stack


def contexts_for_node() -> dict[str, Any]:
    """Every context microcred vendors, as the Node loader's documents."""
    manifest = jsonld.ContextManifest.vendored()
    loader = jsonld.default_loader()
    return {
        url: dict(loader.load(url).document)
        for url in manifest.urls
        if manifest.default(url) is not None
    }


#: The benchmark inputs beside the project (small/medium/large), used when present.
STANDARDS_BENCH = ROOT.parent / "shared" / "bench" / "data"
