"""The curated public surface: what ``import microcred`` offers is pinned here."""

from __future__ import annotations

import microcred as mc

EXPECTED = [
    "Check", "DEFAULT_LIMITS", "Limits", "MicroCredential", "MicrocredError", "ValidationError",
    "ValidationReport", "VerificationError", "VerificationReport", "__version__", "baking",
    "derive", "errors", "issue", "jose", "jsonld", "keys", "model", "present", "presets", "proofs",
    "status", "validate", "verify",
]  # fmt: skip


def test_exported_names_are_pinned() -> None:
    assert sorted(mc.__all__) == sorted(EXPECTED)
    for name in mc.__all__:
        assert getattr(mc, name) is not None


def test_every_error_has_a_stable_code() -> None:
    codes = {
        cls.code
        for cls in vars(mc.errors).values()
        if isinstance(cls, type) and issubclass(cls, mc.MicrocredError)
    }
    assert "input.baking" in codes
    assert len(codes) >= 20
