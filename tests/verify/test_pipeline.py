"""The pipeline itself: one options object, misuse raises, hostile input never does, and an
unexpected failure is the input's result rather than an exception."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microcred as mc
from microcred.cli import main
from microcred.verify import VerifyOptions, _di, verify_with

from .conftest import NOW, signed_badge

SIGNED = signed_badge()

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
PROOF_MEMBERS = [
    "type",
    "cryptosuite",
    "created",
    "expires",
    "verificationMethod",
    "proofPurpose",
    "proofValue",
    "challenge",
    "domain",
    "previousProof",
    "id",
    "@context",
]


def _empty(value: Any) -> bool:
    """A value JSON-LD reads as nothing (no statement): ``null``, or arrays of nothing. It
    may change under a signature: every reader also sees nothing there."""
    return value is None or (isinstance(value, list) and all(_empty(v) for v in value))


def test_one_options_object_is_what_every_step_receives() -> None:
    options = VerifyOptions.create(now=NOW, suites=["eddsa-rdfc-2022"])
    assert verify_with(SIGNED, options).verified
    assert mc.verify(SIGNED, options=options).verified
    refused = VerifyOptions.create(now=NOW, suites=["ecdsa-rdfc-2019"])
    report = mc.verify(SIGNED, options=refused)
    assert report.outcome == "invalid"
    assert report.check("proof.suite") is not None
    with pytest.raises(TypeError, match="either options= or"):
        mc.verify(SIGNED, options=options, now=NOW)


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"now": "2026-01-01"}, TypeError),
        ({"suites": "eddsa-rdfc-2022"}, TypeError),
        ({"suites": ["no-such-suite"]}, ValueError),
        ({"profile": "no-such-profile"}, ValueError),
        ({"status": {"https://x": {}}}, TypeError),
        ({"check_status": False, "require_status": True}, ValueError),
    ],
)
def test_misuse_raises_at_once(arguments: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        mc.verify(SIGNED, **arguments)


def test_an_unexpected_failure_is_the_internal_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(_di, "route", broken)
    report = mc.verify(SIGNED, now=NOW)
    assert report.outcome == "indeterminate"
    check = report.check("internal")
    assert check is not None
    assert check.status == "error"
    assert "RuntimeError" in check.message
    assert "a bug" not in check.message  # the exception's own words are not shown


def test_the_cli_goes_on_after_an_internal_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _di.route
    calls: list[int] = []

    def first_call_breaks(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise KeyError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(_di, "route", first_call_breaks)
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps(SIGNED))
    args = ["verify", "--json", "--now", "2026-12-01T00:00:00Z"]
    assert main([*args, str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["outcome"] for line in lines] == ["indeterminate", "verified"]
    assert [c["id"] for c in lines[0]["checks"] if c["status"] == "error"] == ["internal"]


@settings(max_examples=300, deadline=None)
@given(member=st.sampled_from(PROOF_MEMBERS), value=JSON_VALUES)
def test_every_json_type_in_every_proof_member_is_a_report(member: str, value: Any) -> None:
    document = copy.deepcopy(SIGNED)
    document["proof"][0][member] = value
    report = mc.verify(document, now=NOW)
    assert report.check("internal") is None, report
    original = SIGNED["proof"][0].get(member)
    if value != original and not (_empty(value) and _empty(original)):
        assert not report.verified, (member, value)
        assert report.failed


@settings(max_examples=200, deadline=None)
@given(proof=JSON_VALUES)
def test_any_json_value_as_the_proof_is_a_report(proof: Any) -> None:
    document = {**SIGNED, "proof": proof}
    report = mc.verify(document, now=NOW)
    assert report.check("internal") is None
    assert not report.verified


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


ALL_PATHS = [p for p in _paths(SIGNED) if p]


@settings(max_examples=300, deadline=None)
@given(where=st.sampled_from(ALL_PATHS), value=JSON_VALUES)
def test_any_json_value_anywhere_in_the_credential_is_a_report(
    where: tuple[Any, ...], value: Any
) -> None:
    document = copy.deepcopy(SIGNED)
    target: Any = document
    for step in where[:-1]:
        target = target[step]
    original = target[where[-1]]
    target[where[-1]] = value
    report = mc.verify(document, now=NOW)
    assert report.check("internal") is None, report
    if value != original and not (_empty(value) and _empty(original)):
        assert not report.verified, (where, value)


def test_each_document_and_proof_is_expanded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The contexts check reads the document and each proof under the strict reading rule;
    the proof checks reuse what it read (the unsecured document's quads, each proof
    configuration's quads) rather than expanding them again."""
    from microcred.jsonld import _fast

    original = _fast.to_quads
    expanded: list[bool] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        expanded.append(bool(kwargs.get("strict")))
        return original(*args, **kwargs)

    monkeypatch.setattr(_fast, "to_quads", counting)
    assert mc.verify(SIGNED, now=NOW).verified
    assert expanded == [True, True]  # the document, then its one proof, both strictly
    tampered = copy.deepcopy(SIGNED)
    proof = tampered["proof"]
    (proof[0] if isinstance(proof, list) else proof)["created"] = "2026-06-02T10:00:00Z"
    expanded.clear()
    report = mc.verify(tampered, now=NOW)
    assert report.outcome == "invalid"
    assert report.check("proof.signature").status == "failed"
    assert expanded == [True, True]


def test_a_call_without_options_shares_one_immutable_set_that_reads_the_time_at_use() -> None:
    from dataclasses import FrozenInstanceError, replace

    from microcred.verify import _pipeline
    from microcred.verify._options import VerifyOptions

    shared = _pipeline._default_options()
    assert shared is _pipeline._default_options()
    fresh = VerifyOptions.create()
    assert replace(shared, resolver=fresh.resolver) == fresh  # (a resolver has no equality)
    assert shared.now is None  # each verification reads the clock itself
    with pytest.raises(FrozenInstanceError):
        shared.now = None  # type: ignore[misc]
