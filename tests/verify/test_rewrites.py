"""The rewrite campaign in the test suite: same-graph rewrites of signed credentials never
verify showing a reader other values than the signed ones.

The rewrites are those of ``scripts/rewrite_campaign.py`` (member names as full or compact
IRIs, types as IRIs, keywords for their aliases, value objects, ``@nest``, ``@included``,
embedded contexts that add second names, redefine terms or map them to blank nodes, subtrees
moved under ``@json`` terms, re-cased language maps, nested contexts); hypothesis chooses them
and their targets. By hand, for long runs: ``python scripts/rewrite_campaign.py --count 10000``.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    found = sys.modules.get("rewrite_campaign")
    if found is not None:
        return found
    spec = importlib.util.spec_from_file_location(
        "rewrite_campaign", ROOT / "scripts" / "rewrite_campaign.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["rewrite_campaign"] = module
    spec.loader.exec_module(module)
    return module


CAMPAIGN = _script()
SUBJECTS: list[dict[str, Any]] = CAMPAIGN.subjects()
STATS: Counter[str] = Counter()


def test_every_unrewritten_subject_verifies_and_reads_as_signed() -> None:
    """So a refusal is the rewrite's doing, and ``visible`` compares like with like."""
    import microcred as mc

    for subject in SUBJECTS:
        signed = subject["signed"]
        assert mc.verify(signed, now=CAMPAIGN.NOW).verified, subject["kind"]
        assert CAMPAIGN.visible(signed) == CAMPAIGN.visible(dict(signed))


@settings(max_examples=500, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, len(SUBJECTS) - 1))
def test_no_same_graph_rewrite_verifies_showing_other_values(seed: int, which: int) -> None:
    subject = SUBJECTS[which]
    document, applied = CAMPAIGN.rewrite(random.Random(seed), subject["signed"])
    before = STATS["escaped"]
    CAMPAIGN.check(subject["signed"], document, applied, STATS)
    assert STATS["escaped"] == before, (applied, document)


def test_the_campaign_rewrote_what_it_meant_to() -> None:
    """The property above is not vacuous: it ran, over every kind of rewrite, and most kept
    the signed graph (so the signature alone would not have refused them)."""
    if STATS["rewrites"] < 100:
        pytest.skip("runs after the property test (run the module as a whole)")
    kinds = {key.split("/", 1)[1] for key in STATS if key.startswith("kind/")}
    assert len(kinds) >= 12, kinds  # 14 labels; blank-node terms count twice (with @json)
    assert STATS["same graph"] >= STATS["rewrites"] // 3, STATS
    assert STATS["escaped"] == 0
    print(f"\nrewrite campaign: {dict(sorted(STATS.items()))}")


def test_the_script_runs_a_seeded_campaign() -> None:
    result = CAMPAIGN.campaign(60, seed=20261202)
    assert result["rewrites"] == 60
    assert result.get("escaped", 0) == 0, result["escaped examples"]
    assert result["same graph"] > 0
