"""A cryptosuite class is checked when it is defined: what the engine relies on is there."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from microcred.proofs import SUITES, Cryptosuite, JcsSuite, SuiteOptions


def test_every_registered_suite_passed_the_check() -> None:
    for name, suite in SUITES.items():
        assert suite.name == name
        assert suite.key_types


ED = frozenset({"Ed25519"})


@pytest.mark.parametrize(
    ("attributes", "match"),
    [
        ({"cryptosuite": "x-2024", "key_types": ED}, "names itself"),  # no name
        ({"name": "", "cryptosuite": "x-2024", "key_types": ED}, "names itself"),
        ({"name": "keyless", "cryptosuite": "keyless"}, "key_types"),
        ({"name": "k", "cryptosuite": "k", "key_types": frozenset()}, "key_types"),
        ({"name": "k", "cryptosuite": "k", "key_types": {"Ed25519"}}, "key_types"),
        ({"name": "k", "cryptosuite": "k", "key_types": frozenset({1})}, "key_types"),
        ({"name": "none", "key_types": ED}, "names its cryptosuite"),
    ],
)
def test_a_suite_missing_what_the_engine_needs_fails_at_definition(
    attributes: dict[str, Any], match: str
) -> None:
    with pytest.raises(TypeError, match=match):
        type("Bad", (JcsSuite,), attributes)


def test_a_name_is_not_inherited() -> None:
    """A subclass of a suite that forgets its own name would share its parent's registry
    entry."""
    from microcred.proofs.eddsa_rdfc_2022 import EddsaRdfc2022

    with pytest.raises(TypeError, match="not inherited"):

        class Renamed(EddsaRdfc2022):
            cryptosuite = "eddsa-2099"


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
