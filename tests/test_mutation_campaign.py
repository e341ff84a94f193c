"""The mutation campaign (scripts/mutation_campaign.py) in CI: 500 mutants, none verifies.

By hand: ``python scripts/mutation_campaign.py --count 10000``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "mutation_campaign", ROOT / "scripts" / "mutation_campaign.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_campaign"] = module
    spec.loader.exec_module(module)
    return module


def test_no_mutant_verifies() -> None:
    stats = _script().campaign(500, seed=20261125)
    assert stats["mutations"] == 500
    assert stats["verified"] == 0, stats["escaped"]
    kinds = {kind.split("/")[1] for kind in stats["by_kind"]}
    assert kinds >= {"change", "remove", "add", "context", "swap-proof", "payload", "header"}
    assert stats["subjects"] == 34  # 7 Data Integrity suites/keys and 10 JWT forms, 2 credentials


def test_every_unmutated_subject_verifies() -> None:
    """So a mutant that fails fails because of its mutation, not because of the setup."""
    script = _script()
    for subject in script.subjects():
        assert script.mc.verify(subject["signed"], now=script.NOW).verified, subject["kind"]
