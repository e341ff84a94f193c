"""``issue()``: its return type follows the format (typed overloads, no option bag)."""

from __future__ import annotations

import sys
import textwrap
import typing
from pathlib import Path

import pytest
from tests._credentials import badge

import microcred as mc
from microcred import _issue

KEY = mc.keys.generate("Ed25519")
CREDENTIAL = badge(KEY.did)


def test_di_returns_a_document_and_jwt_a_token() -> None:
    signed = mc.issue(CREDENTIAL, KEY)
    assert isinstance(signed, dict)
    assert signed["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"  # OB 3.0: an array
    token = mc.issue(CREDENTIAL, KEY, format="jwt", jwt_form="vc+jwt", algorithm="EdDSA")
    assert isinstance(token, str)
    assert token.count(".") == 2
    assert mc.verify(token).verified


def test_jwt_options_are_refused_for_data_integrity() -> None:
    with pytest.raises(TypeError, match="unexpected arguments for format='di': jwt_form, claims"):
        _issue.issue(CREDENTIAL, KEY, format="di", jwt_form="ob3", claims={"x": 1})


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format 'ldp'"):
        _issue.issue(CREDENTIAL, KEY, format="ldp")


def test_no_keyword_bag_is_left() -> None:
    """Every option is a named, typed parameter (no ``**jwt_options``)."""
    import inspect

    kinds = {p.kind for p in inspect.signature(mc.issue).parameters.values()}
    assert inspect.Parameter.VAR_KEYWORD not in kinds
    assert "jwt_form" in inspect.signature(mc.issue).parameters


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.get_overloads is Python 3.11+")
def test_one_overload_per_format_and_one_for_a_format_chosen_at_run_time() -> None:
    overloads = typing.get_overloads(_issue.issue)
    formats = [typing.get_type_hints(o)["format"] for o in overloads]
    returns = [typing.get_type_hints(o)["return"] for o in overloads]
    assert formats == [typing.Literal["di"], typing.Literal["jwt"], str]
    assert returns == [dict[str, typing.Any], str, dict[str, typing.Any] | str]


@pytest.mark.slow
def test_mypy_reads_the_return_type_of_each_format(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api", reason="mypy is in the [dev] extra")
    sample = tmp_path / "sample.py"
    sample.write_text(
        textwrap.dedent(
            """
            from typing import Any
            from typing_extensions import assert_type
            import microcred as mc

            key = mc.keys.generate("Ed25519")
            assert_type(mc.issue({}, key), dict[str, Any])
            assert_type(mc.issue({}, key, format="jwt", algorithm="EdDSA"), str)
            chosen: str = "di"
            assert_type(mc.issue({}, key, format=chosen), dict[str, Any] | str)
            assert_type(mc.issue({}, key), str)  # the one error: a document is no token
            """
        )
    )
    out, _err, status = api.run(["--strict", "--no-error-summary", str(sample)])
    lines = [line for line in out.splitlines() if ": error:" in line]
    assert len(lines) == 1, out
    assert ":11: error: Expression is of type" in lines[0]
    assert status == 1
