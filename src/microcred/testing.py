"""Helpers for test suites that check credentials: assertions with readable failures, and
pytest fixtures (a pytest plugin, registered as ``microcred`` when microcred is installed).

>>> import microcred as mc
>>> from microcred.testing import assert_verified
>>> key = mc.keys.generate("Ed25519")
>>> credential = mc.issue({
...     "@context": ["https://www.w3.org/ns/credentials/v2"],
...     "type": ["VerifiableCredential"], "issuer": key.did,
...     "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:l"}}, key)
>>> assert_verified(credential).outcome
'verified'

A failing assertion shows each failed check with its id, message and JSON path::

    AssertionError: credential is invalid:
      proof.signature [$.proof]: signature does not match the document

Fixtures (with ``pytest``): ``microcred_key`` (a fresh Ed25519 key pair),
``microcred_key_factory`` (``factory("P-256")``), ``microcred_loader`` (the offline document
loader), ``microcred_now`` (a fixed moment, 2026-01-01T00:00:00Z, to pass as ``now=``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from ._validate import ValidationReport, validate
from .jsonld import DocumentLoader, default_loader
from .keys import KeyPair, generate
from .report import VerificationReport
from .verify import verify

__all__ = [
    "assert_indeterminate",
    "assert_invalid",
    "assert_valid",
    "assert_verified",
    "controller_document",
    "describe_failures",
]


def controller_document(
    verification_method: str, public_key_multibase: str, *, relationship: str = "assertionMethod"
) -> dict[str, Any]:
    """A controller document for a published key: the controller is the method id without its
    fragment, and the key is listed under ``relationship``. Pass it in
    ``keys.StaticResolver([...])`` (or write it for ``--controller-doc``) to verify offline the
    credentials of an issuer whose key you trust.

    >>> controller_document("https://uni.example/issuer#key-1", "z6Mk...")["id"]
    'https://uni.example/issuer'
    """
    controller = verification_method.split("#", 1)[0]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": controller,
        relationship: [
            {
                "id": verification_method,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": public_key_multibase,
            }
        ],
    }


def describe_failures(report: VerificationReport) -> str:
    """The failed or undetermined checks of ``report`` (and of credentials inside it)."""
    lines: list[str] = []

    def walk(current: VerificationReport, indent: str) -> None:
        for check in current.checks:
            if check.status in ("failed", "error"):
                where = f" [{check.path}]" if check.path else ""
                lines.append(f"{indent}{check.id}{where}: {check.message}")
        for number, inner in enumerate(current.credentials, 1):
            if not inner.verified:
                lines.append(f"{indent}credential {number} is {inner.outcome}:")
                walk(inner, indent + "  ")

    walk(report, "  ")
    return "\n".join(lines) or "  (no check passed)"


def assert_verified(credential: Any, **options: Any) -> VerificationReport:
    """Verify ``credential`` (any input :func:`microcred.verify` takes, with its keyword
    options) and fail with the report's problems unless it is verified."""
    report = verify(credential, **options)
    if not report.verified:
        raise AssertionError(f"credential is {report.outcome}:\n{describe_failures(report)}")
    return report


def assert_invalid(credential: Any, check: str | None = None, **options: Any) -> VerificationReport:
    """Fail unless ``credential`` is invalid (and, when given, check ``check`` failed)."""
    report = verify(credential, **options)
    if report.outcome != "invalid":
        raise AssertionError(
            f"expected invalid, got {report.outcome}:\n{describe_failures(report)}"
        )
    if check is not None and not any(c.id == check and c.status == "failed" for c in report.failed):
        raise AssertionError(
            f"expected check {check!r} to fail; failed:\n{describe_failures(report)}"
        )
    return report


def assert_indeterminate(credential: Any, **options: Any) -> VerificationReport:
    """Fail unless verifying ``credential`` is indeterminate (something could not be checked)."""
    report = verify(credential, **options)
    if report.outcome != "indeterminate":
        raise AssertionError(
            f"expected indeterminate, got {report.outcome}:\n{describe_failures(report)}"
        )
    return report


def assert_valid(document: Any, profile: str = "auto") -> ValidationReport:
    """Validate ``document`` against ``profile`` and fail with every problem unless valid."""
    report = validate(document, profile)
    if not report.valid:
        problems = "\n".join(f"  {p.path}: {p.message} ({p.rule})" for p in report.problems)
        raise AssertionError(f"not valid for profile {report.profile}:\n{problems}")
    return report


try:  # the fixtures exist only where pytest does
    import pytest
except ImportError:  # pragma: no cover - pytest is a test-time dependency
    pass
else:

    @pytest.fixture
    def microcred_key() -> KeyPair:
        """A fresh Ed25519 key pair (``did:key``)."""
        return generate("Ed25519")

    @pytest.fixture
    def microcred_key_factory() -> Callable[..., KeyPair]:
        """``factory(key_type, did_method="key")`` → a fresh key pair."""
        return generate

    @pytest.fixture
    def microcred_loader() -> DocumentLoader:
        """The offline JSON-LD document loader (vendored contexts only)."""
        return default_loader()

    @pytest.fixture
    def microcred_now() -> datetime:
        """A fixed moment for reproducible validity checks."""
        return datetime(2026, 1, 1, tzinfo=timezone.utc)
