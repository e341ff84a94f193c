"""Shared test configuration.

Reference data from the specifications lives in ``../shared/standards`` beside the project
(not part of the project). Tests that need it use the ``shared_standards`` fixture, which skips
with a stated reason when the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
STANDARDS = SHARED / "standards"

settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("ci")


@pytest.fixture
def shared_standards() -> Path:
    """``../shared/standards``, or skip the test when it is not there."""
    if not STANDARDS.is_dir():
        pytest.skip("reference data not present: ../shared/standards (outside the project)")
    return STANDARDS
