"""The public surface is pinned: for the top level and every sub-package face, ``__all__`` is
exactly the module's public members (as httpx pins its own), and every exported class says it
lives in a public module, one a caller can import it from."""

from __future__ import annotations
import __future__

import dataclasses
import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest
from tests._credentials import badge

import microcred as mc

#: The faces whose ``__all__`` is pinned to their members.
FACES = [
    "microcred.keys",
    "microcred.proofs",
    "microcred.jsonld",
    "microcred.status",
    "microcred.jose",
    "microcred.model",
    "microcred.verify",
]

#: Public sub-packages of ``microcred`` that are imported by their path, not exported: the
#: layers above issue/verify (``microcred.batch``, ``microcred.testing`` the pytest plugin),
#: and the front ends that need extras (``microcred.server``, ``microcred.cli``).
BY_PATH = {"batch", "cli", "edc", "oid4vci", "oid4vp", "server", "testing"}

#: What ``import microcred`` offers.
EXPECTED = [
    "Check", "DEFAULT_LIMITS", "Limits", "MicroCredential", "MicrocredError", "TrustAnswer",
    "ValidationError", "ValidationReport", "VerificationError", "VerificationReport",
    "VerifyOptions", "__version__", "baking", "derive", "errors", "issue", "jose", "jsonld",
    "keys", "limits", "model", "net", "present", "presets", "proofs", "report", "sdjwt",
    "status", "validate", "verify",
]  # fmt: skip


def _load_everything(face: ModuleType) -> None:
    """Every exported name and every submodule loaded, so that a lazy face shows all it has
    (an import binds a submodule as an attribute of its package)."""
    for name in face.__all__:
        getattr(face, name)
    for info in pkgutil.walk_packages(face.__path__, face.__name__ + "."):
        if info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # a module of an optional extra
            continue


def _members(face: ModuleType) -> dict[str, object]:
    """The public members: names without ``_``, a ``from __future__`` feature aside (and
    what pytest's assertion rewriting adds: ``@py_builtins``, not an identifier)."""
    return {
        name: value
        for name, value in vars(face).items()
        if name.isidentifier()
        and not name.startswith("_")
        and not isinstance(value, __future__._Feature)
    }


def test_the_top_level_is_pinned() -> None:
    assert sorted(mc.__all__) == sorted(EXPECTED)
    _load_everything(mc)
    members = _members(mc)
    public = {*members, "__version__"}
    assert public - BY_PATH == set(mc.__all__)
    assert set(members) | {"server", "cli"} >= BY_PATH  # the extras may be missing
    for name in ("limits", "net", "report"):  # exported, not reached by accident
        assert isinstance(getattr(mc, name), ModuleType)


@pytest.mark.parametrize("face_name", FACES)
def test_each_face_exports_exactly_its_public_members(face_name: str) -> None:
    face = importlib.import_module(face_name)
    _load_everything(face)
    members = _members(face)
    exported = set(face.__all__)
    # a face's submodules are reached by their path (microcred.proofs.eddsa_rdfc_2022); it
    # lists one in __all__ only when it exports it as a name (microcred.model.presets)
    modules = {n for n, v in members.items() if isinstance(v, ModuleType)}
    assert set(members) - (modules - exported) == exported
    for name in exported & modules:
        assert members[name].__name__ == f"{face_name}.{name}"  # type: ignore[attr-defined]


@pytest.mark.parametrize("face_name", ["microcred", *FACES])
def test_exported_classes_report_a_public_module(face_name: str) -> None:
    face = importlib.import_module(face_name)
    classes = [getattr(face, n) for n in face.__all__ if inspect.isclass(getattr(face, n))]
    for cls in classes:
        module = cls.__module__
        assert not any(part.startswith("_") for part in module.split(".")), cls
        # the module it names exports it: repr, help() and pickles name a real path
        assert getattr(importlib.import_module(module), cls.__qualname__) is cls


def test_a_class_of_a_face_reports_the_face() -> None:
    assert mc.keys.KeyPair.__module__ == "microcred.keys"
    assert repr(mc.keys.KeyPair) == "<class 'microcred.keys.KeyPair'>"
    assert mc.VerifyOptions.__module__ == "microcred.verify"
    assert mc.ValidationReport.__module__ == "microcred"
    assert mc.proofs.Cryptosuite.__module__ == "microcred.proofs"
    assert mc.status.TokenStatusList.__module__ == "microcred.status"  # a lazy name
    # one defined in a public module keeps it
    assert mc.VerificationReport.__module__ == "microcred.report"
    assert mc.MicroCredential.__module__ == "microcred.model.eu"


def test_the_verification_face_is_pinned() -> None:
    """``microcred.verify`` is the function; its package's face is these names (the
    pipeline, its options, and the trust sources)."""
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


def test_the_verify_options_are_public_and_frozen() -> None:
    options = mc.VerifyOptions.create(suites=["eddsa-rdfc-2022"])
    assert dataclasses.is_dataclass(options)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.suites = ("ecdsa-rdfc-2019",)  # type: ignore[misc]
    assert mc.VerifyOptions().suites == mc.proofs.DEFAULT_SUITES
    key = mc.keys.generate("P-256")
    signed = mc.issue(badge(key.did), key)
    report = mc.verify(signed, options=options)
    check = report.check("proof.suite")
    assert check is not None
    assert check.status == "failed"
    assert "ecdsa-rdfc-2019 is not among the accepted suites (eddsa-rdfc-2022)" in check.message
    assert mc.verify(signed, options=mc.VerifyOptions.create()).verified
