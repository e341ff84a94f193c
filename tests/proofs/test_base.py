"""A cryptosuite class is checked when it is defined: what the engine relies on is there."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from microcred.proofs import SUITES, Cryptosuite, JcsSuite, RdfcSuite, SuiteOptions


def test_every_registered_suite_passed_the_check() -> None:
    for name, suite in SUITES.items():
        assert suite.name == name
        assert suite.key_types


def test_a_suite_without_a_name_fails_at_definition() -> None:
    with pytest.raises(TypeError, match="names itself"):

        class Nameless(RdfcSuite):
            cryptosuite = "x-2024"
            key_types = frozenset({"Ed25519"})


def test_a_name_is_not_inherited() -> None:
    """A subclass of a suite that forgets its own name would share its parent's registry
    entry."""
    from microcred.proofs.eddsa_rdfc_2022 import EddsaRdfc2022

    with pytest.raises(TypeError, match="not inherited"):

        class Renamed(EddsaRdfc2022):
            cryptosuite = "eddsa-2099"


def test_a_suite_without_key_types_fails_at_definition() -> None:
    with pytest.raises(TypeError, match="key_types"):

        class Keyless(JcsSuite):
            name = "keyless"
            cryptosuite = "keyless"


@pytest.mark.parametrize("key_types", [frozenset(), {"Ed25519"}, frozenset({1})])
def test_key_types_must_be_a_non_empty_frozenset_of_names(key_types: Any) -> None:
    with pytest.raises(TypeError, match="key_types"):
        type("Bad", (JcsSuite,), {"name": "bad", "cryptosuite": "bad", "key_types": key_types})


def test_a_data_integrity_suite_names_its_cryptosuite() -> None:
    with pytest.raises(TypeError, match="names its cryptosuite"):

        class NoCryptosuite(JcsSuite):
            name = "none"
            key_types = frozenset({"Ed25519"})


def test_a_suite_that_leaves_a_stage_abstract_fails_at_definition() -> None:
    with pytest.raises(TypeError, match="configure, transform"):

        class Stageless(Cryptosuite):
            name = "stageless"
            cryptosuite = "stageless"
            key_types = frozenset({"Ed25519"})


def test_a_shared_base_is_not_checked_and_its_suites_are() -> None:
    class Family(Cryptosuite, base=True):
        def transform(self, unsecured: Mapping[str, Any], options: SuiteOptions) -> bytes:
            return b""

        def configure(self, proof_config: Mapping[str, Any], options: SuiteOptions) -> bytes:
            return b""

    class Member(Family):
        name = "member"
        cryptosuite = "member"
        key_types = frozenset({"P-256"})

    assert Member().transform({}, SuiteOptions()) == b""
    with pytest.raises(TypeError, match="names itself"):

        class Orphan(Family):
            key_types = frozenset({"P-256"})
