"""The fast JSON-LD path (microcred.jsonld._fast) against the pyld path: same quads, same errors.

Three sources of documents: every JSON document of the reference data beside the project
(``../shared/standards`` and ``../shared/bench/data``, with the credentials and proof
configurations nested in them), the project's own credentials (examples, the demo form, the
Annex I forms of the model tests' strategy, signed and stacked), and hypothesis mutations of
credentials (terms added and removed, types swapped, values of every JSON kind, unknown
terms, relative IRIs, inline contexts, keywords in odd places).

For each document the fast path either declines (``Unsupported``) or gives exactly pyld's quads
(blank node labels included); and :func:`microcred.jsonld.to_quads` gives the same quads, or
raises the same error (class, message, term and path), with the fast path on and off.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microcred as mc
from microcred.errors import MicrocredError, SafeModeError
from microcred.jsonld import _fast, _processor, default_loader, to_quads
from microcred.model import MicroCredential

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
BENCH = SHARED / "bench" / "data"
ISSUER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def _outcome(document: Any, fast: bool) -> Any:
    """to_quads(document) as sorted quads, or the error it raises as comparable data."""
    saved = _processor.FAST_PATH
    _processor.FAST_PATH = fast
    try:
        return sorted(to_quads(document))
    except MicrocredError as exc:
        return (
            type(exc).__name__,
            str(exc),
            getattr(exc, "term", None),
            getattr(exc, "path", None),
        )
    finally:
        _processor.FAST_PATH = saved


def _fast_only(document: Any) -> list[Any] | None:
    """The fast path's own result: sorted quads, or None when it declines."""
    try:
        return sorted(_processor.fast_quads(document, default_loader()))
    except (_fast.Unsupported, _fast.ContextWorkLimit):  # both paths then refuse or decide
        return None


def check(document: Any) -> bool:
    """Assert the two paths agree on ``document``; True when the fast path handled it."""
    reference = _outcome(document, fast=False)
    fast = _fast_only(copy.deepcopy(document)) if isinstance(document, dict) else None
    if fast is not None:
        assert fast == reference, "the fast path gave other quads than pyld"
    assert _outcome(document, fast=True) == reference
    return fast is not None


def _embedded(document: Any) -> Iterator[dict[str, Any]]:
    """``document`` and every object inside it that has its own ``@context``, plus the proof
    configurations (proof without ``proofValue``, with the document's ``@context``) of proofs."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "@context" in item:
                yield item
                proofs = item.get("proof")
                for proof in proofs if isinstance(proofs, list) else [proofs]:
                    if isinstance(proof, dict) and "@context" not in proof:
                        config = {k: v for k, v in proof.items() if k != "proofValue"}
                        yield {"@context": item["@context"], **config}
            stack.extend(v for k, v in item.items() if k != "@context")
        elif isinstance(item, list):
            stack.extend(item)


def _reference_documents() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    paths = sorted(SHARED.glob("standards/**/*.json")) + sorted(
        SHARED.glob("standards/**/*.jsonld")
    )
    paths += sorted(BENCH.glob("*.json"))
    for path in paths:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        for inner in _embedded(document):
            found.append((str(path.relative_to(SHARED)), inner))
    return found


def test_reference_documents_agree() -> None:
    """Every JSON document of ../shared (examples, validator fixtures, vectors, ELM, bench)."""
    if not SHARED.is_dir():
        pytest.skip("reference data not present: ../shared (outside the project)")
    documents = _reference_documents()
    handled = sum(check(document) for _, document in documents)
    assert len(documents) >= 200
    # the fast path must actually be taken for the published credentials
    assert handled >= 120, f"the fast path handled only {handled} of {len(documents)}"
    for name in ("small", "medium", "large"):
        path = BENCH / f"{name}.json"
        if path.exists():
            document = json.loads(path.read_text(encoding="utf-8"))
            for inner in _embedded(document):
                assert _fast_only(inner) is not None, f"fast path declined {name}"


def _model_forms() -> Any:
    """The Annex I form strategy of the model tests (tests/model/test_eu.py)."""
    path = ROOT / "tests" / "model" / "test_eu.py"
    spec = importlib.util.spec_from_file_location("_microcred_test_eu_forms", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.forms()


def _project_credentials() -> list[dict[str, Any]]:
    from microcred.cli._demo import demo_form
    from microcred.model.clr import stack

    key = mc.keys.generate("Ed25519")
    forms = [
        json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text()),
        demo_form(),
    ]
    unsigned = [
        MicroCredential.model_validate(form)
        .to_ob3(issuer_id=key.did, today=date(2026, 11, 25))
        .to_json()
        for form in forms
    ]
    signed = [mc.issue(u, key) for u in unsigned]
    signed.append(mc.issue(unsigned[0], key, suite="eddsa-jcs-2022"))
    record = mc.issue(
        stack([signed[0], signed[2]], issuer=key.did, valid_from=signed[0]["validFrom"]), key
    )
    holder = mc.keys.generate("Ed25519")
    presentations = [
        mc.present(credentials, holder, challenge="c", domain="d.example")
        for credentials in ([signed[0]], [signed[2]])
    ]
    return [*unsigned, *signed, record, *presentations]


def test_project_credentials_take_the_fast_path() -> None:
    for credential in _project_credentials():
        for document in _embedded(credential):
            unsecured = {k: v for k, v in document.items() if k != "proof"}
            assert check(document)
            assert check(unsecured)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=_model_forms())
def test_generated_micro_credentials_take_the_fast_path(form: dict[str, Any]) -> None:
    credential = MicroCredential.model_validate(form).to_ob3(issuer_id=ISSUER).to_json()
    assert check(credential)


# --- mutations --------------------------------------------------------------------------------


def _bases() -> list[dict[str, Any]]:
    bases = []
    for name in ("small", "medium"):
        path = BENCH / f"{name}.json"
        if path.exists():
            document = json.loads(path.read_text(encoding="utf-8"))
            document.pop("proof", None)
            bases.append(document)
    form = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
    micro = MicroCredential.model_validate(form)
    bases.append(micro.to_ob3(issuer_id=ISSUER, salt="s", today=date(2026, 11, 25)).to_json())
    holder, issuer = mc.keys.generate("Ed25519"), mc.keys.generate("Ed25519")
    credential = copy.deepcopy(bases[-1])
    credential["issuer"]["id"] = issuer.did
    signed = mc.issue(credential, issuer)
    presentation = mc.present([signed], holder, challenge="c", domain="d.example")
    presentation.pop("proof")
    bases.append(presentation)
    large = BENCH / "large.json"
    if large.exists():  # a small CLR: two achievements, one nested credential with its proof
        clr = json.loads(large.read_text(encoding="utf-8"))
        clr.pop("proof", None)
        subject = clr["credentialSubject"]
        for key in ("achievement", "association", "verifiableCredential"):
            if isinstance(subject.get(key), list):
                subject[key] = (
                    subject[key][:2] if key != "verifiableCredential" else subject[key][:1]
                )
        bases.append(clr)
    return bases


BASES = _bases()

KEYS = [
    "name", "description", "id", "type", "@id", "@type", "@value", "@language", "@list",
    "@set", "@graph", "@reverse", "@nest", "@included", "@index", "@direction", "@json", "@none",
    "@foo", "favouriteColour", "schema:name", "https://schema.org/name", "_:b0", "ext:thing",
    "foo/bar", "achievement", "credentialSubject", "issuer", "validFrom", "allowedValue",
    "creditsAvailable", "alignment", "proof", "verifiableCredential", "partial", "title",
    "image", "url", "targetUrl", "resultDescription", "jsonSchema", "evidence", "xsd:string",
    "identifier", "hashed", "", "name ", "Name",
]  # fmt: skip
TYPES = [
    "Achievement", "Profile", "AchievementSubject", "Alignment", "Result", "ResultDescription",
    "Evidence", "VerifiableCredential", "OpenBadgeCredential", "AchievementCredential",
    "ClrCredential", "ClrSubject", "Association", "DataIntegrityProof", "Image", "Address",
    "IdentityObject", "EndorsementCredential", "Criteria", "Unknown", "ext:Foo", "_:x",
    "https://example.com/T", "", "@json", "@id", "VerifiablePresentation", "EuMicroCredential",
]  # fmt: skip
IRIS = [
    "urn:uuid:1", "did:example:1", "https://example.com/a", "foo", "./foo", "foo/bar", "_:b1",
    "_:x", "http://x y", "urn:x\n", "@id", "mailto:a@b.c", "ext:EQFLevel", "schema:x", "#frag",
    "1EdTechJsonSchemaValidator2019", "assertionMethod", "Achievement", "xsd:boolean", "",
]  # fmt: skip
CONTEXTS: list[Any] = [
    {"favouriteColour": "https://example.com/colour"},
    {"@vocab": "https://example.com/vocab#"},
    {"@language": "sv"},
    {"name": "https://evil.example/name"},
    {"Achievement": "https://evil.example/Achievement"},
    {"schema": "https://schema.org/", "favouriteColour": "schema:colour"},
    {"xsd": "http://www.w3.org/2001/XMLSchema#"},
    {"@base": "https://base.example/"},
    {"tags": {"@id": "https://example.com/tags", "@container": "@list"}},
    {"labels": {"@id": "https://example.com/labels", "@container": "@language"}},
    {"when": {"@id": "https://example.com/when", "@type": "http://www.w3.org/2001/XMLSchema#date"}},
    {"ref": {"@id": "https://example.com/ref", "@type": "@id"}},
    {"blob": {"@id": "https://example.com/blob", "@type": "@json"}},
    None,
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://www.w3.org/ns/credentials/v2",
    "https://example.com/unknown-context",
]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(IRIS),
    st.sampled_from(TYPES),
)


def _values() -> st.SearchStrategy[Any]:
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        iris = st.sampled_from(IRIS)
        languages = st.sampled_from(["en", "sv", "EN-gb", "x y"])
        language_map = st.dictionaries(
            st.sampled_from(["en", "sv", "@none", "1"]), children, max_size=2
        )
        return st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(st.sampled_from(KEYS), children, max_size=3),
            st.fixed_dictionaries({"type": st.sampled_from(TYPES)}, optional={"id": iris}),
            st.fixed_dictionaries(
                {"@value": children}, optional={"@type": iris, "@language": languages}
            ),
            st.fixed_dictionaries({"id": iris}),
            st.fixed_dictionaries({"tags": st.lists(children, max_size=2), "labels": language_map}),
        )

    return st.recursive(_scalars, extend, max_leaves=6)


def _objects(document: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(v for k, v in item.items() if k != "@context")
        elif isinstance(item, list):
            stack.extend(item)
    return found


OPERATIONS = ["insert", "delete", "type", "value", "iri", "context", "nest", "list"]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        objects = _objects(document)
        target = draw(st.sampled_from(objects))
        operation = draw(st.sampled_from(OPERATIONS))
        keys = sorted(k for k in target if k != "@context")
        if operation == "insert":
            target[draw(st.sampled_from(KEYS))] = draw(_values())
        elif operation == "delete" and keys:
            del target[draw(st.sampled_from(keys))]
        elif operation == "type":
            types = draw(st.lists(st.sampled_from(TYPES), min_size=0, max_size=3))
            target[draw(st.sampled_from(["type", "@type"]))] = (
                types[0] if len(types) == 1 else types
            )
        elif operation == "value" and keys:
            target[draw(st.sampled_from(keys))] = draw(_values())
        elif operation == "iri":
            target[draw(st.sampled_from(["id", "@id", "targetUrl", "url", "image", "type"]))] = (
                draw(st.sampled_from(IRIS))
            )
        elif operation == "context":
            local = draw(st.sampled_from(CONTEXTS))
            if target is document:
                contexts = list(document["@context"])
                contexts.insert(draw(st.integers(0, len(contexts))), local)
                document["@context"] = contexts
            else:
                target["@context"] = local
        elif operation == "nest":
            target[draw(st.sampled_from(KEYS))] = {
                "type": draw(st.sampled_from(TYPES)),
                draw(st.sampled_from(KEYS)): draw(_values()),
            }
        elif operation == "list" and keys:
            key = draw(st.sampled_from(keys))
            target[key] = [target[key], draw(_values())]
    return document


_counts = {"fast": 0, "all": 0}


@pytest.mark.slow  # 400 documents through both expanders
@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=mutated())
def test_mutated_credentials_agree(document: dict[str, Any]) -> None:
    _counts["all"] += 1
    _counts["fast"] += check(document)


def test_mutations_exercise_the_fast_path() -> None:
    """Run after the mutation test: a good share of mutants went through the fast path
    (an always-declining fast path would pass every comparison)."""
    if _counts["all"] < 50:
        pytest.skip("the mutation test did not run first in this session")
    assert _counts["fast"] >= _counts["all"] // 10, _counts


def test_unsupported_features_are_declined() -> None:
    base = copy.deepcopy(BASES[0])
    for extra in (
        {"@reverse": {"https://schema.org/knows": {"@id": "urn:x"}}},
        {"@included": [{"@id": "urn:x", "type": "Profile"}]},
    ):
        document = {**base, **extra}
        assert _fast_only(document) is None
        check(document)
    assert _fast_only({"@context": base["@context"], "@graph": [base]}) is None


def test_an_invalid_iri_in_a_list_is_an_error_not_a_crash() -> None:
    """pyld leaves the list item out of its rdf:first triple (found by the mutation test)."""
    document = {
        "@context": {"l": {"@id": "https://example.com/l", "@container": "@list", "@type": "@id"}},
        "@id": "urn:x",
        "l": ["http://x y", "urn:y"],
    }
    assert _fast_only(document) is None
    with pytest.raises(SafeModeError, match="not a valid absolute IRI") as info:
        to_quads(document)
    assert info.value.path == "$.l[0]"
    check(document)


def test_an_iri_pyld_would_drop_is_a_safe_mode_error() -> None:
    """pyld silently leaves out every triple with an IRI it does not take for absolute (white
    space): a credential whose ``id`` had one was signed without its top-level claims."""
    document = copy.deepcopy(BASES[0])
    document["id"] = "urn:uuid:x y"
    with pytest.raises(SafeModeError, match="not a valid absolute IRI") as info:
        to_quads(document)
    assert info.value.path == "$.id"
    check(document)
    document = copy.deepcopy(BASES[0])
    document["credentialSubject"]["type"] = ["AchievementSubject", "urn:x y"]
    with pytest.raises(SafeModeError, match="not a valid absolute IRI"):
        to_quads(document)


def test_threads_share_the_remembered_contexts_safely() -> None:
    """The per-context memos are shared by all threads: concurrent use gives the same quads."""
    from concurrent.futures import ThreadPoolExecutor

    documents = list(BASES)
    expected = [sorted(to_quads(document)) for document in documents]
    _fast._CONTEXTS.clear()  # start cold: the threads race to build the memos
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda d: sorted(to_quads(d)), documents * 20))
    assert results == expected * 20


def test_type_scoped_contexts_that_alias_type() -> None:
    """A type-scoped context may define another alias of ``@type``, which counts for the
    members after it: the remembered steps must follow the values, not only the names."""
    context = {
        "@version": 1.1,
        "id": "@id",
        "type": "@type",
        "A": {"@id": "https://example.com/A", "@context": {"zkind": "@type", "p": "urn:p:A"}},
        "B": {"@id": "https://example.com/B", "@context": {"p": "urn:p:B", "q": "urn:q"}},
    }
    documents = [
        {"@context": context, "id": "urn:x", "type": "A", "zkind": "B", "p": "v", "q": "w"},
        {"@context": context, "id": "urn:x", "type": "B", "zkind": "A", "p": "v", "q": "w"},
        {"@context": context, "id": "urn:x", "type": ["A", "B"], "p": "v", "q": "w"},
        {"@context": context, "id": "urn:x", "type": "A", "zkind": "B", "p": "v", "q": "w"},
    ]
    handled = [check(document) for document in documents]
    assert handled == [True, False, True, True]
    assert ("<urn:x>", "<urn:p:B>", '"v"', "") in to_quads(documents[0])


V2 = "https://www.w3.org/ns/credentials/v2"


def _named(value: Any, context: Any = V2) -> dict[str, Any]:
    return {
        "@context": context,
        "type": ["VerifiableCredential"],
        "issuer": {"id": ISSUER, "name": value},
        "credentialSubject": {"id": "did:example:learner", "description": value},
    }


@pytest.mark.parametrize(
    "value",
    [
        {"@value": "Grundläggande svenska", "@language": "sv", "@direction": "ltr"},
        {"@value": "مرحبا", "@language": "ar", "@direction": "rtl"},
        {"@value": "Basic Swedish", "@direction": "ltr"},
    ],
)
def test_a_base_direction_takes_the_fast_path_and_is_not_in_the_rdf(value: Any) -> None:
    """JSON-LD 1.1 Deserialize JSON-LD to RDF: with ``rdfDirection`` unset (as the Data
    Integrity suites run it) the base direction is dropped; the literal is the text with its
    language, if any."""
    document = _named(value)
    assert check(document)
    language = f"@{value['@language']}" if "@language" in value else ""
    quads = to_quads(document, strict=True)
    assert any(quad[2] == f'"{value["@value"]}"{language}' for quad in quads)
    flipped = _named({**value, "@direction": "rtl" if value["@direction"] == "ltr" else "ltr"})
    assert sorted(to_quads(flipped, strict=True)) == sorted(quads)


@pytest.mark.parametrize(
    "value",
    [
        {"@value": "Basic Swedish", "@direction": "up"},
        {"@value": "Basic Swedish", "@direction": "ltr", "@type": "https://example.org/t"},
    ],
)
def test_a_bad_base_direction_is_the_same_error_on_both_paths(value: Any) -> None:
    document = _named(value)
    assert not check(document)
    assert isinstance(_outcome(document, fast=True), tuple)  # an error, not quads


def test_a_direction_on_a_number_is_left_to_pyld_and_outside_the_strict_reading() -> None:
    document = _named({"@value": 7, "@direction": "ltr"})
    assert not check(document)  # pyld reads it (the direction dropped); the fast path declines
    with pytest.raises(mc.errors.StrictReadingError):
        to_quads(document, strict=True)


def test_a_context_written_as_a_context_document_is_read_as_the_object_it_wraps() -> None:
    """``{"@context": {...}}`` inside ``@context``: pyld and jsonld.js take its ``@context``
    member (the W3C VC DI test suites' fixtures use this shape)."""
    terms = {"alumniOf": "https://schema.org/alumniOf"}
    wrapped = _named("Exempeluniversitetet", [V2, {"@context": terms}])
    wrapped["credentialSubject"]["alumniOf"] = "Exempeluniversitetet"
    assert check(wrapped)
    plain = {**wrapped, "@context": [V2, terms]}
    strict = to_quads(wrapped, strict=True, allow_inline_contexts=True)
    assert sorted(strict) == sorted(to_quads(plain, strict=True, allow_inline_contexts=True))
    with pytest.raises(mc.errors.StrictReadingError, match="embeds a context object"):
        to_quads(wrapped, strict=True)
    # the wrapped object is held to the rule for embedded contexts like any other
    hiding = _named("x", [V2, {"@context": {"forged": {"@id": "_:x", "@type": "@json"}}}])
    hiding["credentialSubject"]["forged"] = {"title": "PhD in Medicine"}
    with pytest.raises(mc.errors.StrictReadingError) as refused:
        to_quads(hiding, strict=True, allow_inline_contexts=True)
    assert refused.value.rule == "inline-context"
