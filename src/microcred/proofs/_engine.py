"""The generic Data Integrity engine: add a proof, verify every proof of a document.

It implements the algorithms of W3C Verifiable Credential Data Integrity 1.0 (add proof,
verify proof, proof sets, proof chains through ``previousProof``) once, for every suite in
:mod:`microcred.proofs._registry`. The caller chooses which suites are acceptable; the
document never does.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from .._vc import format_datetime, parse_datetime
from ..errors import (
    JsonLdError,
    KeyMaterialError,
    MalformedInputError,
    MicrocredError,
)
from ..jsonld import DocumentLoader, Quad
from ..keys import (
    DidResolver,
    Signer,
    Verifier,
    resolve_method,
)
from ..limits import DEFAULT_LIMITS, Limits
from ..report import Check, status_of
from ._base import Cryptosuite, SuiteOptions
from ._registry import UNSUPPORTED_SUITES, suite_for_proof

__all__ = ["ProofResult", "add_proof", "format_datetime", "parse_datetime", "verify_proofs"]


def _proof_list(document: Mapping[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def _unsecured(document: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def _chained(unsecured: dict[str, Any], proofs: Sequence[Any], previous: Any) -> dict[str, Any]:
    """The document a proof with ``previousProof`` covers: the unsecured document plus the
    proofs it names (by ``id``).

    Raises:
        MalformedInputError: a named previous proof is not in the document.
    """
    wanted = [previous] if isinstance(previous, str) else previous
    if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
        raise MalformedInputError("previousProof must be a string or a list of strings")
    matching = [p for p in proofs if isinstance(p, dict) and p.get("id") in wanted]
    if len(matching) != len(wanted):
        raise MalformedInputError("previousProof names a proof that is not in the document")
    chained = dict(unsecured)
    chained["proof"] = matching[0] if len(matching) == 1 else matching
    return chained


def add_proof(
    document: Mapping[str, Any],
    signer: Signer,
    suite: Cryptosuite,
    *,
    key_type: str,
    created: str | None,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    expires: str | None = None,
    previous_proof: str | list[str] | None = None,
    proof_id: str | None = None,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    mandatory_pointers: Sequence[str] | None = None,
    unsecured_quads: list[Quad] | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more proof made by ``signer`` with ``suite``.

    Existing proofs are kept (a proof *set*); with ``previous_proof`` the new proof also
    covers the proofs it names (a proof *chain*). The input is never modified.

    ``mandatory_pointers`` (selective disclosure suites only): JSON pointers to what every
    derived proof must disclose.

    ``unsecured_quads``: the quads of ``document`` without its proofs, when the caller has
    them (``issue()`` computes them under the strict reading rule); used only when the proof
    covers exactly that document (no context added, no chain).

    Raises:
        ValueError: the key type does not fit the suite, ``created``/``expires`` is not an
            XML Schema dateTime, or mandatory pointers that are malformed, match nothing, or
            are given to a suite that is not selective.
        JsonLdError: the document cannot be canonicalized (unknown context, safe mode).
    """
    if key_type not in suite.key_types:
        raise ValueError(
            f"{suite.name} needs a {' or '.join(sorted(suite.key_types))} key, not {key_type}"
        )
    for label, value in (("created", created), ("expires", expires)):
        if value is not None and parse_datetime(value) is None:
            raise ValueError(f"{label} must be an XML Schema dateTime, got {value!r}")
    secured = dict(document)
    if suite.suite_context is not None:
        secured["@context"] = _with_context(secured.get("@context"), suite.suite_context)
    options: dict[str, Any] = {"type": suite.proof_type}
    if proof_id is not None:
        options["id"] = proof_id
    if suite.cryptosuite is not None:
        options["cryptosuite"] = suite.cryptosuite
    if created is not None:
        options["created"] = created
    if expires is not None:
        options["expires"] = expires
    options["verificationMethod"] = signer.key_id
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    if previous_proof is not None:
        options["previousProof"] = previous_proof

    existing = _proof_list(secured)
    unsecured = _unsecured(secured)
    covered = unsecured if previous_proof is None else _chained(unsecured, existing, previous_proof)
    if mandatory_pointers is not None and not suite.selective:
        raise ValueError(f"{suite.name} does not take mandatory pointers (not selective)")
    if isinstance(mandatory_pointers, str):
        raise TypeError("mandatory_pointers must be a list of JSON pointers, not one string")
    reusable = previous_proof is None and secured.get("@context") == document.get("@context")
    suite_options = SuiteOptions(
        loader=loader,
        limits=limits,
        hash_algorithm=suite.hash_algorithm(key_type),
        unsecured_quads=unsecured_quads if reusable else None,
        mandatory_pointers=tuple(mandatory_pointers or ()),
    )
    config = dict(options)
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    proof = dict(config) if suite.context_in_proof else dict(options)
    proof["proofValue"] = suite.sign_document(config, covered, signer, suite_options)
    secured["proof"] = [*existing, proof] if existing else proof
    return secured


def _with_context(context: Any, url: str) -> Any:
    if context is None:
        return [url]
    entries = context if isinstance(context, list) else [context]
    return entries if url in entries else [*entries, url]


@dataclass
class ProofResult:
    """What verifying one proof found.

    Attributes:
        path: JSON path of the proof (``$.proof`` or ``$.proof[1]``).
        suite: the suite's name, when known.
        verification_method: the proof's ``verificationMethod``.
        controller: the controller of the verification method, once resolved.
        checks: the checks this proof produced.
        verified: every check of this proof passed.
        considered: the proof is of an accepted suite (proofs of other suites are reported
            but do not decide the outcome while an accepted one exists).
    """

    path: str
    suite: str | None = None
    verification_method: str | None = None
    controller: str | None = None
    checks: list[Check] = field(default_factory=list)
    verified: bool = False
    considered: bool = True

    def _add(self, check_id: str, status: Any, message: str) -> bool:
        self.checks.append(Check(check_id, status, message, self.path))
        return bool(status == "passed")


def verify_proofs(
    document: Mapping[str, Any],
    *,
    allowed: Collection[str],
    resolver: DidResolver,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | Sequence[str] | None = None,
    now: datetime | None = None,
    unsecured_quads: list[Quad] | None = None,
    config_quads: Mapping[int, list[Quad]] | None = None,
) -> list[ProofResult]:
    """Verify every proof of ``document``; return one :class:`ProofResult` per proof.

    ``unsecured_quads``: the quads of ``document`` without its proofs; ``config_quads``: by a
    proof's position in the proof list, the quads of its configuration (the proof without
    ``proofValue``, with the document's ``@context`` unless it has its own), when the caller
    has them (verification reads them under the strict reading rule first).

    Never raises for a bad document: every problem becomes a check with status ``failed``
    (checked and wrong) or ``error`` (could not be checked).
    """
    proofs = _proof_list(document)
    unsecured = _unsecured(document)
    many = isinstance(document.get("proof"), list)
    if len(proofs) > limits.max_proofs:
        refused = ProofResult(path="$.proof")
        refused._add(
            "proof.suite",
            "failed",
            f"{len(proofs)} proofs, over the limit of {limits.max_proofs} (Limits.max_proofs)",
        )
        return [refused]
    results = []
    for index, proof in enumerate(proofs):
        path = f"$.proof[{index}]" if many else "$.proof"
        result = ProofResult(path=path)
        results.append(result)
        try:
            _verify_one(
                result,
                proof,
                proofs,
                unsecured,
                allowed=allowed,
                resolver=resolver,
                loader=loader,
                limits=limits,
                proof_purpose=proof_purpose,
                challenge=challenge,
                domain=domain,
                now=now,
                unsecured_quads=unsecured_quads,
                config_quads=(config_quads or {}).get(index),
            )
        except MicrocredError as exc:  # anything unforeseen in one proof decides that proof
            result._add("proof.signature", status_of(exc), f"proof could not be verified: {exc}")
            result.verified = False
    return results


def _json_kind(value: Any) -> str:
    """The JSON type of ``value`` in words (for messages that must not echo hostile input)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a string"


def _verify_one(
    result: ProofResult,
    proof: Any,
    proofs: Sequence[Any],
    unsecured: dict[str, Any],
    *,
    allowed: Collection[str],
    resolver: DidResolver,
    loader: DocumentLoader | None,
    limits: Limits,
    proof_purpose: str,
    challenge: str | None,
    domain: str | Sequence[str] | None,
    now: datetime | None,
    unsecured_quads: list[Quad] | None,
    config_quads: list[Quad] | None,
) -> None:
    """Verify one proof into ``result``, in the steps of Data Integrity §4.4 "Verify Proof":
    which suite (and whether the caller accepts it), the proof options, the verification
    method, the signature. The proof verifies when every step passed."""
    if not isinstance(proof, dict):
        result._add("proof.suite", "failed", "proof is not a JSON object")
        return
    suite = _check_suite(result, proof, allowed)
    if suite is None:
        return
    options_ok = _check_options(
        result, proof, proof_purpose=proof_purpose, challenge=challenge, domain=domain, now=now
    )
    method = _resolve_method(result, proof, suite, resolver, proof_purpose)
    if method is None:
        return
    key_type, verifier = method
    signed = _check_signature(
        result,
        proof,
        proofs,
        unsecured,
        suite,
        key_type,
        verifier,
        SuiteOptions(
            loader=loader,
            limits=limits,
            hash_algorithm=suite.hash_algorithm(key_type),
            unsecured_quads=unsecured_quads,
            # the configuration the caller read (selective suites build their own)
            config_quads=None if suite.selective else config_quads,
        ),
    )
    result.verified = signed and options_ok


def _check_suite(
    result: ProofResult, proof: dict[str, Any], allowed: Collection[str]
) -> Cryptosuite | None:
    """The proof's suite (check ``proof.suite``), or ``None`` when it is unknown, not
    implemented, or not one the caller accepts (then another proof may decide)."""
    suite = suite_for_proof(proof.get("type"), proof.get("cryptosuite"))
    label = proof.get("cryptosuite") or proof.get("type")
    if suite is None:
        # not on any allowlist: like a suite the caller refused, another proof may decide
        result.considered = False
        if not isinstance(label, str):
            result.suite = type(label).__name__
            result._add(
                "proof.suite",
                "failed",
                "the proof's cryptosuite (or, without one, its type) must be a string, "
                f"not {_json_kind(label)}",
            )
            return None
        result.suite = label[:100]
        if label in UNSUPPORTED_SUITES:
            result._add(
                "proof.suite",
                "error",
                f"{label} is a published suite microcred does not implement; "
                "the proof cannot be checked",
            )
        else:
            result._add(
                "proof.suite", "failed", f"unknown proof type or cryptosuite: {label[:100]!r}"
            )
        return None
    result.suite = suite.name
    if suite.name not in allowed:
        result.considered = False
        result._add(
            "proof.suite",
            "failed",
            f"cryptosuite {suite.name} is not among the accepted suites "
            f"({', '.join(sorted(allowed)) or 'none'})",
        )
        return None
    result._add("proof.suite", "passed", f"{suite.name}" + (" (legacy)" if suite.legacy else ""))
    return suite


def _check_options(
    result: ProofResult,
    proof: dict[str, Any],
    *,
    proof_purpose: str,
    challenge: str | None,
    domain: str | Sequence[str] | None,
    now: datetime | None,
) -> bool:
    """The proof options the verifier expects (checks ``proof.created``, ``proof.expires``,
    ``proof.purpose``, ``proof.challenge``, ``proof.domain``): ``True`` when all hold. The
    method and the signature are still checked when one does not (every problem is
    reported)."""
    ok = True
    created = proof.get("created")
    if created is not None and parse_datetime(created) is None:
        ok = result._add("proof.created", "failed", f"created is not a dateTime: {created!r}")
    expires = proof.get("expires")
    if expires is not None:
        moment = parse_datetime(expires)
        if moment is None:
            ok = result._add("proof.expires", "failed", f"expires is not a dateTime: {expires!r}")
        elif moment < (now or datetime.now(timezone.utc)):
            ok = result._add("proof.expires", "failed", f"proof expired at {expires}")
    if proof.get("proofPurpose") != proof_purpose:
        ok = result._add(
            "proof.purpose",
            "failed",
            f"proofPurpose is {proof.get('proofPurpose')!r}, expected {proof_purpose!r}",
        )
    else:
        result._add("proof.purpose", "passed", proof_purpose)
    if challenge is not None and proof.get("challenge") != challenge:
        ok = result._add("proof.challenge", "failed", "challenge does not match the one expected")
    if domain is not None:
        expected = [domain] if isinstance(domain, str) else list(domain)
        got = proof.get("domain")
        got_list = got if isinstance(got, list) else [got]
        if not set(expected) & {g for g in got_list if isinstance(g, str)}:
            ok = result._add("proof.domain", "failed", "domain does not match the one expected")
    return ok


def _resolve_method(
    result: ProofResult,
    proof: dict[str, Any],
    suite: Cryptosuite,
    resolver: DidResolver,
    proof_purpose: str,
) -> tuple[str, Verifier] | None:
    """The proof's verification method, dereferenced and authorised for ``proof_purpose`` by
    its controller, with a key the suite takes (check ``proof.method``): its key type and
    verifier, or ``None``."""
    vm_id = proof.get("verificationMethod")
    if isinstance(vm_id, dict):
        vm_id = vm_id.get("id")
    if not isinstance(vm_id, str) or not vm_id:
        result._add("proof.method", "failed", "proof has no verificationMethod")
        return None
    result.verification_method = vm_id
    try:
        resolved = resolve_method(vm_id, resolver)
    except MicrocredError as exc:  # unresolvable (indeterminate), or invalid (failed)
        what = "cannot resolve" if exc.indeterminate else "invalid"
        result._add("proof.method", status_of(exc), f"{what} verification method {vm_id}: {exc}")
        return None
    result.controller = resolved.controller
    try:
        key_type = resolved.key_type()
        verifier = resolved.verifier()
    except KeyMaterialError as exc:
        result._add("proof.method", "failed", f"unusable verification method: {exc}")
        return None
    if key_type not in suite.key_types:
        result._add(
            "proof.method",
            "failed",
            f"{suite.name} needs a {' or '.join(sorted(suite.key_types))} key; "
            f"the verification method is {key_type}",
        )
        return None
    if not resolved.authorized_for(proof_purpose):
        result._add(
            "proof.method",
            "failed",
            f"{vm_id} is not authorised for {proof_purpose} by its controller",
        )
        return None
    result._add("proof.method", "passed", f"{vm_id} ({key_type})")
    return key_type, verifier


def _covered(
    proof: dict[str, Any], proofs: Sequence[Any], unsecured: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], bool] | None:
    """The proof configuration and the document the proof covers (Data Integrity §4.4 steps
    on ``@context`` and ``previousProof``), and whether the covered document is exactly the
    unsecured one; ``None`` when the proof's ``@context`` is not a prefix of the document's."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    covered = unsecured
    exact = True
    doc_context = unsecured.get("@context")
    if "@context" in config:
        proof_ctx = config["@context"]
        doc_list = doc_context if isinstance(doc_context, list) else [doc_context]
        proof_list = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
        if doc_list[: len(proof_list)] != proof_list:
            return None
        if proof_list != doc_list:
            covered = {**unsecured, "@context": proof_ctx}
            exact = False
    elif doc_context is not None:
        config["@context"] = doc_context
    if "previousProof" in proof:
        covered = _chained(covered, proofs, proof["previousProof"])
        exact = False
    return config, covered, exact


def _check_signature(
    result: ProofResult,
    proof: dict[str, Any],
    proofs: Sequence[Any],
    unsecured: dict[str, Any],
    suite: Cryptosuite,
    key_type: str,
    verifier: Verifier,
    options: SuiteOptions,
) -> bool:
    """The signature over the covered document and the proof configuration (check
    ``proof.signature``): ``True`` when it holds."""
    found = _covered(proof, proofs, unsecured)
    if found is None:
        result._add(
            "proof.signature",
            "failed",
            "the proof's @context is not a prefix of the document's @context",
        )
        return False
    config, covered, exact = found
    if not exact:
        options = replace(options, unsecured_quads=None)
    try:
        problem = suite.check_document(config, covered, proof.get("proofValue"), verifier, options)
    except JsonLdError as exc:  # an unknown context is indeterminate, the rest failed
        result._add("proof.signature", status_of(exc), f"cannot canonicalize the document: {exc}")
        return False
    except MalformedInputError as exc:
        result._add("proof.signature", "failed", f"malformed proof or document: {exc}")
        return False
    if problem is not None:
        result._add("proof.signature", "failed", problem)
        return False
    result._add("proof.signature", "passed", "signature verified")
    return True
