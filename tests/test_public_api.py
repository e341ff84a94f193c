"""The curated public surface: what ``import microcred`` offers is pinned here."""

from __future__ import annotations

import microcred as mc

EXPECTED = [
    "Check", "DEFAULT_LIMITS", "Limits", "MicroCredential", "MicrocredError", "TrustAnswer",
    "ValidationError",
    "ValidationReport", "VerificationError", "VerificationReport", "VerifyOptions", "__version__",
    "baking",
    "derive", "errors", "issue", "jose", "jsonld", "keys", "model", "present", "presets", "proofs",
    "sdjwt", "status", "validate", "verify",
]  # fmt: skip


def test_exported_names_are_pinned() -> None:
    assert sorted(mc.__all__) == sorted(EXPECTED)
    for name in mc.__all__:
        assert getattr(mc, name) is not None


def test_the_verification_face_is_pinned() -> None:
    """``microcred.verify`` is the function; its package's face is these names (the
    pipeline, its options, and the trust sources of issue 24)."""
    import importlib

    package = importlib.import_module("microcred.verify")
    assert sorted(package.__all__) == [
        "IssuerRegistry",
        "TrustList",
        "VerifyOptions",
        "load_registry",
        "load_trust_list",
        "verify",
        "verify_with",
    ]
    assert mc.verify is package.verify
    assert mc.VerifyOptions is package.VerifyOptions
    names = [n for n in vars(package) if n.isidentifier() and not n.startswith("_")]
    public = sorted(n for n in names if n != "annotations")
    assert public == sorted(package.__all__)


def test_every_error_has_a_stable_code() -> None:
    codes = {
        cls.code
        for cls in vars(mc.errors).values()
        if isinstance(cls, type) and issubclass(cls, mc.MicrocredError)
    }
    assert "input.baking" in codes
    assert len(codes) >= 20
