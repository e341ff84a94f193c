"""``benchmarks/oid4vci.py`` runs end to end (a smoke run: a roster of three learners through a
running ``microcred serve --oid4vci``; no timing asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the [server] extra is not installed")

ROOT = Path(__file__).resolve().parents[1]


def load_benchmark() -> Any:
    """``benchmarks/oid4vci.py`` as a module (its ``run`` and ``start_service``)."""
    spec = importlib.util.spec_from_file_location("bench_oid4vci", ROOT / "benchmarks/oid4vci.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_oid4vci"] = module
    spec.loader.exec_module(module)
    return module


def test_the_roster_benchmark_redeems_every_offer() -> None:
    result = load_benchmark().run(3, 1, None)
    assert result["learners"] == 3
    assert result["credentials_per_learner"] == 3
    assert result["total_s"] > 0
    assert result["service_cpu_s"] >= 0
