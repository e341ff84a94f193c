"""``scripts/build_schemas.py``: the generated files are up to date, deterministic, and refer
only to each other."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_schemas.py"
SCHEMAS = ROOT / "schemas"
BASE = "https://microcred.dev/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
GENERATED = {
    "ob3-common.json",
    "ob3-achievementcredential.json",
    "ob3-endorsementcredential.json",
    "ob3-profile.json",
    "ob3-achievement.json",
    "clr2-clrcredential.json",
}


@pytest.fixture(scope="module")
def script() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("build_schemas_under_test", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_check_passes_on_the_checkout() -> None:
    """``python scripts/build_schemas.py --check`` exits 0: schemas/ is what the table gives."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 6 generated schemas")


def test_check_reports_every_kind_of_drift(script: ModuleType, tmp_path: Path) -> None:
    out = ["--output", str(tmp_path)]
    assert script.main(["--check", *out]) == 1  # all missing
    assert script.main(out) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(GENERATED)
    assert script.main(["--check", *out]) == 0
    profile = tmp_path / "ob3-profile.json"
    profile.write_bytes(profile.read_bytes().replace(b'"Profile"', b'"Profiel"', 1))
    assert script.main(["--check", *out]) == 1
    assert script.main(out) == 0  # rewritten
    assert script.main(["--check", *out]) == 0
    (tmp_path / "ob3-extra.json").write_text("{}\n")
    assert script.main(["--check", *out]) == 1
    assert script.main(out) == 1  # written, but the unlisted file is reported
    (tmp_path / "ob3-extra.json").unlink()
    (tmp_path / "elm-edc.json").write_text("{}\n")  # hand-written files are not its business
    assert script.main(["--check", *out]) == 0


def test_output_is_deterministic_and_canonical(script: ModuleType) -> None:
    first, second = script.build(), script.build()
    assert first == second
    assert set(first) == GENERATED
    for name, data in first.items():
        schema = json.loads(data)
        canonical = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert data == canonical.encode(), name
        assert (SCHEMAS / name).read_bytes() == data, f"run scripts/build_schemas.py ({name})"


def test_an_inconsistent_table_is_refused(
    script: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = dict(script.CLASSES)
    broken["Criteria"] = script.Cls("broken", {"narrative": "Markdown [0..2]"})
    monkeypatch.setattr(script, "CLASSES", broken)
    assert script.main(["--check"]) == 2
    assert "Criteria.narrative" in capsys.readouterr().err
    broken["Criteria"] = script.Cls("broken", {"narrative": "Nothing [0..1]"})
    with pytest.raises(script.TableError, match="unknown kind 'Nothing'"):
        script.build()


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            yield value["$ref"]
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_every_schema_has_its_id_and_refers_only_inside_the_folder() -> None:
    """Every ``$ref`` of every file in schemas/ resolves among those files, offline."""
    files = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    assert set(files) >= GENERATED
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], DRAFT202012.create_resource(schema)) for schema in files.values()
    )
    checked = 0
    for name, schema in files.items():
        assert schema["$id"] == BASE + name
        assert schema["$schema"] == DRAFT
        resolver = registry.resolver(base_uri=schema["$id"])
        for ref in _refs(schema):
            assert ref.startswith(("#/$defs/", BASE)), (name, ref)
            try:
                resolver.lookup(ref)
            except Unresolvable as exc:  # pragma: no cover - the assertion's message
                pytest.fail(f"{name}: {ref} does not resolve: {exc}")
            checked += 1
    assert checked > 100
