"""Interop with the reference JavaScript stack (Node): installs pinned npm packages itself.

Skips with a stated reason when Node.js/npm are absent. When ``CI=true`` a failed install is an
error, not a skip: CI must really run these tests.
"""

from __future__ import annotations

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
CACHE = ROOT / ".interop" / "node"


class NodeStack:
    """One long-running ``node interop.mjs`` process speaking JSON Lines."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the Node interop helper exited")
        response: dict[str, Any] = json.loads(line)
        if not response.get("ok"):
            raise RuntimeError(f"Node interop helper failed: {response.get('error')}")
        return response


def _install() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(
            "Node.js/npm not installed: interop with the reference JavaScript stack not run"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp_value = hashlib.sha256(
        (HERE / "node" / "package.json").read_bytes()
        + (HERE / "node" / "package-lock.json").read_bytes()
    ).hexdigest()
    stamp = CACHE / ".stamp"
    for name in ("package.json", "package-lock.json", "interop.mjs"):
        shutil.copyfile(HERE / "node" / name, CACHE / name)
    if stamp.exists() and stamp.read_text() == stamp_value and (CACHE / "node_modules").is_dir():
        return
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=CACHE,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["npm ci failed"])[-1]
        if os.environ.get("CI") == "true":
            pytest.fail(f"npm ci failed in CI: {last}")
        pytest.skip(f"could not install the reference JavaScript stack: {last}")
    stamp.write_text(stamp_value)


@pytest.fixture(scope="session")
def node_stack() -> Iterator[NodeStack]:
    """The reference stack, started once per test session."""
    _install()
    process = subprocess.Popen(
        ["node", str(CACHE / "interop.mjs")],
        cwd=CACHE,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield NodeStack(process)
    finally:
        if process.stdin:
            process.stdin.close()
        process.wait(timeout=30)


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
