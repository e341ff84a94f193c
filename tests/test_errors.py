"""One error tree: every error microcred raises on purpose lives in ``microcred.errors``, under
:class:`~microcred.errors.MicrocredError`, with a stable ``code`` (part of the public contract),
and is drawn in the module docstring with that code."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import warnings

import pytest

import microcred
from microcred import errors

#: code → class: the public contract. A change here is a breaking change.
CODES = {
    "microcred": "MicrocredError",
    "input": "InputError",
    "input.too_large": "InputTooLargeError",
    "input.too_deep": "InputTooDeepError",
    "input.duplicate_key": "DuplicateKeyError",
    "input.malformed": "MalformedInputError",
    "input.baking": "BakingError",
    "sdjwt": "SdJwtError",
    "jsonld": "JsonLdError",
    "jsonld.unknown_context": "UnknownContextError",
    "jsonld.context_integrity": "ContextIntegrityError",
    "jsonld.safe_mode": "SafeModeError",
    "jsonld.strict_reading": "StrictReadingError",
    "jsonld.context_limit": "ContextLimitError",
    "jsonld.canonicalization_limit": "CanonicalizationLimitError",
    "jsonld.processing": "JsonLdProcessingError",
    "key": "KeyMaterialError",
    "key.unsupported": "UnsupportedKeyTypeError",
    "key.invalid": "InvalidKeyError",
    "did": "DidError",
    "did.invalid": "InvalidDidError",
    "did.resolution": "DidResolutionError",
    "network": "NetworkError",
    "network.policy": "NetworkPolicyError",
    "network.fetch": "FetchError",
    "trust.source": "TrustSourceError",
    "trust.source.trusted_list": "TrustedListError",
    "jades": "JadesError",
    "jades.format": "JadesFormatError",
    "jades.timestamp": "TimeStampTokenError",
    "jades.certificate": "CertificateError",
    "seal": "SealError",
    "seal.timestamp": "TimestampAuthorityError",
    "protocol": "ProtocolError",
    "protocol.oauth": "OAuthError",
    "validation.failed": "ValidationError",
    "verification.failed": "VerificationError",
    "model": "ModelError",
    "model.incomplete": "IncompleteMicroCredentialError",
    "model.form": "FormError",
    "model.stacking": "StackingError",
    "model.unconfirmed_concept": "UnconfirmedConceptError",
    "batch.roster": "RosterError",
    "server.store": "StoreError",
    "server.config": "ConfigError",
}

#: Errors that were ValueErrors before they joined the tree stay ValueErrors.
VALUE_ERRORS = {"ModelError", "RosterError", "ConfigError"}

#: Exception classes defined outside ``errors.py``, and why they are not library errors:
#: each is caught where it is raised (an internal signal) or is a front end's answer.
NOT_LIBRARY_ERRORS = {
    ("microcred.cli._common", "CliError"): "the command line's exit code; caught in cli.main",
    ("microcred.server._http", "ApiError"): "the service's HTTP problem; a response, not raised "
    "by any library call",
    ("microcred.server._runtime", "_Stopped"): "a worker's stop signal (BaseException)",
    ("microcred.jsonld._fast", "Unsupported"): "the fast expander declines: pyld takes over",
    ("microcred.jsonld._fast", "StrictViolation"): "the fast expander declines (strict rule)",
    ("microcred.jsonld._fast", "ContextWorkLimit"): "internal signal, re-raised as an error",
    ("microcred.jsonld._jcs", "_NotPlainError"): "internal signal: the slow JCS path takes over",
    ("microcred.jsonld._nquads", "_TermError"): "internal signal of the N-Quads reader",
    ("microcred.proofs.ecdsa_sd_2023", "_TagUsedError"): "internal signal of label mapping",
    ("microcred.verify._schema", "_IndeterminateError"): "internal signal, becomes a check",
    ("microcred.verify._schema", "_NotAvailableError"): "internal signal, becomes a check",
    ("microcred.edc._x509", "ChainError"): "internal signal, becomes the jades.chain check",
}


def _tree_classes() -> dict[str, type[BaseException]]:
    return {
        name: value
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    }


def test_the_code_to_class_map_is_pinned() -> None:
    found = {
        cls.code: name
        for name, cls in _tree_classes().items()
        if issubclass(cls, errors.MicrocredError)
    }
    assert found == CODES


def test_every_class_is_under_the_root_with_its_own_code() -> None:
    classes = _tree_classes()
    for name, cls in classes.items():
        if name == "ReversibleIdentityWarning":
            assert issubclass(cls, UserWarning)
            continue
        assert issubclass(cls, errors.MicrocredError), name
        assert cls.__module__ == "microcred.errors", name
        assert "code" in vars(cls), f"{name} inherits its parent's code"
        assert issubclass(cls, ValueError) == any(
            issubclass(cls, getattr(errors, v)) for v in VALUE_ERRORS
        ), name
    assert sorted(errors.__all__) == sorted([*classes, "DID_ERROR_TYPES"])


def test_the_docstring_draws_every_class_with_its_code() -> None:
    doc = errors.__doc__ or ""
    drawn = dict(re.findall(r"[─└├│ ]+ (\w+)(?: \(ValueError\))?\s+([a-z_.]+)\n", doc))
    drawn["MicrocredError"] = "microcred"
    assert drawn == {name: code for code, name in CODES.items()}
    assert "ReversibleIdentityWarning" in doc
    # a class marked (ValueError) in the drawing is one
    for name in re.findall(r"(\w+) \(ValueError\)", doc):
        assert issubclass(getattr(errors, name), ValueError), name


def _src_modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(microcred.__path__, "microcred.")
        if not m.name.endswith("__main__")
    ]


def test_no_exception_class_lives_outside_the_tree() -> None:
    """Every exception class defined in ``src/microcred`` is in ``errors.py``, or is one of
    the internal signals and front-end answers listed above."""
    outside = set()
    for module_name in _src_modules():
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:  # an optional extra that is not installed
            pytest.skip(f"{module_name} needs an extra: {exc}")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module_name
                and module_name != "microcred.errors"
            ):
                outside.add((module_name, name))
    assert outside == set(NOT_LIBRARY_ERRORS)


@pytest.mark.parametrize(
    ("old_path", "name"),
    [
        ("microcred", "ValidationError"),
        ("microcred", "VerificationError"),
        ("microcred._validate", "ValidationError"),
        ("microcred.report", "VerificationError"),
        ("microcred.model", "IncompleteMicroCredentialError"),
        ("microcred.model.eu", "IncompleteMicroCredentialError"),
        ("microcred.model.eu", "FormError"),
        ("microcred.model.clr", "StackingError"),
        ("microcred.model.vocab", "UnconfirmedConceptError"),
        ("microcred.model.identity", "ReversibleIdentityWarning"),
        ("microcred.batch", "RosterError"),
        ("microcred._store", "StoreError"),
        ("microcred.sdjwt", "SdJwtError"),
    ],
)
def test_old_import_paths_still_work(old_path: str, name: str) -> None:
    assert getattr(importlib.import_module(old_path), name) is getattr(errors, name)


def test_the_server_config_error_keeps_its_path() -> None:
    server = pytest.importorskip("microcred.server", reason="needs the [server] extra")
    assert server.ConfigError is errors.ConfigError


def test_former_value_errors_are_caught_both_ways() -> None:
    """A caller's ``except ValueError`` keeps working; ``except MicrocredError`` now works."""
    from microcred.model.eu import read_any

    with pytest.raises(ValueError, match="learnr") as caught:
        read_any({"type": "MicroCredential", "title": "x", "learnr": {}})
    assert isinstance(caught.value, errors.MicrocredError)
    assert caught.value.code == "model.form"


def test_the_warning_is_a_warning() -> None:
    with pytest.warns(errors.ReversibleIdentityWarning):
        warnings.warn("x", errors.ReversibleIdentityWarning, stacklevel=1)
