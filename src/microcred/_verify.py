"""``verify()``: one call that says verified, invalid or indeterminate, with reasons.

The checks run in the order of ``docs/verification.md``: parse → format → contexts → proofs →
issuer → validity → status → (presentations) the credentials inside. A bad credential never
raises; it produces a report. Programmer misuse (wrong argument types) raises ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from ._input import read_input
from ._schemas import KNOWN_SCHEMA_URLS, schema_names, validate_with
from ._validate import PROFILES, validate
from ._vc import holder_id, issuer_id, subject_problem, types_of
from .errors import (
    ContextIntegrityError,
    JsonLdError,
    MicrocredError,
    SafeModeError,
    UnknownContextError,
)
from .jsonld import DocumentLoader, Quad, contexts_of, default_loader, to_quads
from .keys import DidResolver, default_resolver
from .limits import DEFAULT_LIMITS, Limits
from .proofs import DEFAULT_SUITES, SUITES, parse_datetime, verify_proofs
from .report import VerificationReport

__all__ = ["VerifyOptions", "verify"]


@dataclass
class VerifyOptions:
    """Everything :func:`verify` takes besides the input (see its docstring)."""

    now: datetime | None = None
    suites: Sequence[str] = DEFAULT_SUITES
    algorithms: Sequence[str] | None = None
    loader: DocumentLoader = field(default_factory=default_loader)
    resolver: DidResolver = field(default_factory=default_resolver)
    status: Any = None
    require_status: bool = False
    challenge: str | None = None
    domain: str | Sequence[str] | None = None
    max_clock_skew: timedelta = timedelta(minutes=5)
    limits: Limits = DEFAULT_LIMITS
    allow_embedded_jwk: bool = False
    profile: str | None = None

    @property
    def moment(self) -> datetime:
        """The time the verification is made at."""
        return self.now or datetime.now(timezone.utc)


def verify(
    credential: Any,
    *,
    now: datetime | None = None,
    suites: Iterable[str] | None = None,
    algorithms: Iterable[str] | None = None,
    loader: DocumentLoader | None = None,
    resolver: DidResolver | None = None,
    status: Any = None,
    require_status: bool = False,
    challenge: str | None = None,
    domain: str | Sequence[str] | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
    limits: Limits = DEFAULT_LIMITS,
    allow_embedded_jwk: bool = False,
    profile: str | None = None,
) -> VerificationReport:
    """Verify a credential or presentation and report every check.

    Args:
        credential: a dict, JSON text/bytes, a compact JWT, or the bytes of a baked PNG/SVG.
        now: the moment to judge validity dates at (default: the current time, UTC).
        suites: accepted Data Integrity suites (default: all, legacy included). The document
            never chooses: a proof of another suite fails the ``proof.suite`` check.
        algorithms: accepted JWT ``alg`` values (default: the asymmetric set).
        loader: JSON-LD document loader (default: vendored contexts only, offline).
        resolver: resolves verification methods; it is tried *before* the offline defaults
            (did:key, did:jwk), e.g. ``keys.StaticResolver([controller_document])``.
        status: a status-list fetcher (``None``: the status check is skipped).
        require_status: make a credential whose status cannot be checked indeterminate.
        challenge, domain: required values for a presentation's proof.
        max_clock_skew: tolerance for validity dates.
        limits: input and processing limits.
        allow_embedded_jwk: let a JWT without ``kid`` be checked with the key in its ``jwk``
            header. The issuer is then taken to control it only when the issuer is the
            ``did:jwk`` of that very key; otherwise the issuer check is indeterminate.
        profile: also validate the credential against a profile of :func:`microcred.validate`
            (``"ob3"``, ``"eu-microcredential"``, ...) as the final ``profile`` check.

    Returns:
        A :class:`~microcred.report.VerificationReport`; never raises for a bad credential.
    """
    if now is not None and not isinstance(now, datetime):
        raise TypeError("now must be a datetime")
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    chosen = tuple(suites) if suites is not None else DEFAULT_SUITES
    unknown = [s for s in chosen if s not in SUITES]
    if unknown:
        raise ValueError(f"unknown suite(s): {', '.join(unknown)}; known: {', '.join(SUITES)}")
    options = VerifyOptions(
        now=now,
        suites=chosen,
        algorithms=tuple(algorithms) if algorithms is not None else None,
        loader=loader or default_loader(),
        resolver=default_resolver(extra=[resolver]) if resolver is not None else default_resolver(),
        status=status,
        require_status=require_status,
        challenge=challenge,
        domain=domain,
        max_clock_skew=max_clock_skew,
        limits=limits,
        allow_embedded_jwk=allow_embedded_jwk,
        profile=profile,
    )
    if profile is not None and profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    report = VerificationReport()
    document = _parse(credential, report, options)
    if document is None:
        return report
    if isinstance(document, str):
        from .jose import verify_jwt_into

        verify_jwt_into(report, document, options)
        return report
    verify_document_into(report, document, options)
    return report


def _parse(credential: Any, report: VerificationReport, options: VerifyOptions) -> Any:
    """Read the input (dict, JSON text/bytes, compact JWT, baked image) into a JSON object or a
    JWT string; an unreadable input is a failed ``parse`` check."""
    try:
        value, description = read_input(credential, limits=options.limits)
    except MicrocredError as exc:
        report.add("parse", "failed", str(exc))
        return None
    report.add("parse", "passed", description)
    return value


def verify_document_into(
    report: VerificationReport,
    document: dict[str, Any],
    options: VerifyOptions,
    *,
    presentation_credential: bool = False,
) -> None:
    """Run the Data Integrity checks on a parsed JSON credential or presentation."""
    report.document = document
    types = types_of(document)
    if "VerifiablePresentation" in types:
        report.kind = "presentation"
    elif "VerifiableCredential" in types:
        report.kind = "credential"
    if report.kind == "unknown":
        report.add(
            "format",
            "failed",
            "type has neither VerifiableCredential nor VerifiablePresentation",
            "$.type",
        )
        return
    if "proof" not in document:
        report.format = "unsecured"
        report.add("format", "failed", f"the {report.kind} has no proof", "$")
        return
    report.format = "data-integrity"
    report.add("format", "passed", f"{report.kind} with a Data Integrity proof")

    quads = _check_contexts(report, document, options)
    if quads is False:
        return
    _check_proofs(report, document, options, quads if isinstance(quads, list) else None)
    if report.kind == "credential":
        check_credential_body(report, document, options)
    else:
        check_embedded(report, document, options)


def _check_contexts(
    report: VerificationReport, document: dict[str, Any], options: VerifyOptions
) -> list[Quad] | bool:
    """Known contexts, then safe-mode processing. Returns the unsecured quads, or False to stop."""
    if "@context" not in document:
        report.add("contexts", "failed", "no @context", "$")
        return False
    try:
        used = contexts_of(document, loader=options.loader)
    except UnknownContextError as exc:
        report.add("contexts", "error", str(exc), "$['@context']")
        return False
    except ContextIntegrityError as exc:
        report.add("contexts", "failed", str(exc), "$['@context']")
        return False
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        quads = to_quads(unsecured, loader=options.loader, limits=options.limits)
    except UnknownContextError as exc:
        report.add("contexts", "error", str(exc), "$['@context']")
        return False
    except SafeModeError as exc:
        report.add("contexts", "failed", str(exc), exc.path)
        return False
    except (JsonLdError, MicrocredError) as exc:
        report.add("contexts", "failed", f"{exc}", exc.path)
        return False
    revisions = ", ".join(c.revision or f"{c.url} (unversioned)" for c in used)
    report.add("contexts", "passed", f"contexts known and processed in safe mode: {revisions}")
    return quads


def _check_proofs(
    report: VerificationReport,
    document: dict[str, Any],
    options: VerifyOptions,
    quads: list[Quad] | None,
) -> None:
    presentation = report.kind == "presentation"
    results = verify_proofs(
        document,
        allowed=options.suites,
        resolver=options.resolver,
        loader=options.loader,
        limits=options.limits,
        proof_purpose="authentication" if presentation else "assertionMethod",
        challenge=options.challenge if presentation else None,
        domain=options.domain if presentation else None,
        now=options.moment,
        unsecured_quads=quads,
    )
    if not results:
        report.add("proof", "failed", "proof is empty", "$.proof")
        return
    considered = [r for r in results if r.considered]
    for result in results:
        if result.considered or not considered:
            report.extend(result.checks)
        else:
            report.add(
                "proof.suite",
                "skipped",
                f"proof of a suite not accepted or not known ({result.suite}); "
                "another proof decides",
                result.path,
            )
    if presentation and options.challenge is None:
        report.add("proof.challenge", "skipped", "no challenge required by the caller")
    subject = holder_id(document) if presentation else issuer_id(document)
    label = "holder" if presentation else "issuer"
    verified = [r for r in considered if r.verified]
    if not verified:
        return
    if subject is None:
        if presentation:
            report.add("holder", "skipped", "the presentation names no holder")
        else:
            report.add("issuer", "failed", "the credential has no issuer", "$.issuer")
        return
    # Every proof has verified by now (any failure has failed its own check). One of them must
    # be the issuer's (holder's); the others are proofs by further parties (a proof set or a
    # chain, e.g. a notary's), which are reported but do not stand in for the issuer's.
    relation = "authentication" if presentation else "assertionMethod"
    own = [
        r
        for r in verified
        if r.controller == subject
        or _lists_method(options, subject, r.verification_method, relation)
    ]
    if not own:
        first = verified[0]
        report.add(
            label,
            "failed",
            f"{label} {subject} is not the controller ({first.controller}) of the "
            f"verification method {first.verification_method}"
            + (f" nor of the {len(verified) - 1} other proof(s)" if len(verified) > 1 else ""),
            f"$.{label}",
        )
        return
    if own[0].controller == subject:
        report.add(label, "passed", f"{label} {subject} controls the signing key")
    else:
        report.add(
            label,
            "passed",
            f"{label} {subject} lists the signing key {own[0].verification_method} "
            f"as its {relation} (in its trusted controller document)",
        )
    for other in verified:
        if other not in own:
            report.add(
                label,
                "passed",
                f"a further proof by {other.controller} (not the {label}) also verifies",
                other.path,
            )


def _lists_method(options: VerifyOptions, subject: str, method: str | None, relation: str) -> bool:
    """Whether ``subject``'s own (controller or DID) document, as the resolver serves it,
    lists ``method`` under ``relation``: an issuer that signs with a key it does not control
    directly, such as an ``https:`` issuer whose published profile names a did:key."""
    if method is None or method.split("#", 1)[0] == subject:
        return False
    try:
        document = options.resolver.resolve(subject)
    except MicrocredError:
        return False
    entries = document.get(relation) if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return False
    listed = {
        e if isinstance(e, str) else e.get("id") for e in entries if isinstance(e, (str, dict))
    }
    return method in listed


def check_credential_body(
    report: VerificationReport, document: Mapping[str, Any], options: VerifyOptions
) -> None:
    """The checks after the proof, for a credential in any format: the subject, validity
    window, status, ``credentialSchema``, and the caller's profile."""
    wrong = subject_problem(document)
    if wrong is None:
        report.add("subject", "passed", "credentialSubject present")
    else:
        report.add("subject", "failed", wrong, "$.credentialSubject")
    check_validity(report, document, options)
    check_status(report, document, options)
    check_schemas(report, document)
    if "ClrCredential" in types_of(document):
        check_embedded(report, document, options)
    if options.profile is not None:
        validation = validate(dict(document), options.profile, limits=options.limits)
        if validation.valid:
            report.add("profile", "passed", f"valid for profile {validation.profile}")
        for problem in validation.problems[:20]:
            report.add("profile", "failed", f"{problem.message} ({problem.rule})", problem.path)


def check_schemas(report: VerificationReport, document: Mapping[str, Any]) -> None:
    """Each ``credentialSchema`` entry: a schema known offline is applied (with microcred's
    equivalent of the official schema); an unknown one is skipped with the reason."""
    declared = document.get("credentialSchema")
    if declared is None:
        report.add("schema", "skipped", "the credential declares no credentialSchema")
        return
    entries = declared if isinstance(declared, list) else [declared]
    for position, entry in enumerate(entries):
        path = "$.credentialSchema" + (f"[{position}]" if isinstance(declared, list) else "")
        url = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(url, str):
            report.add("schema", "failed", "credentialSchema entry without an id", path)
            continue
        name = KNOWN_SCHEMA_URLS.get(url)
        if name is None or name.partition("#")[0] not in schema_names():
            report.add("schema", "skipped", f"schema {url} is not known offline; not applied", path)
            continue
        problems = validate_with(name, dict(document))
        if not problems:
            report.add("schema", "passed", f"valid against {url}", path)
        for problem in problems[:20]:
            report.add("schema", "failed", f"{problem.message} (at {problem.path})", path)


def check_validity(
    report: VerificationReport, document: Mapping[str, Any], options: VerifyOptions
) -> None:
    """Validity window: ``validFrom``/``validUntil`` (VC 2.0) or ``issuanceDate``/
    ``expirationDate`` (VC 1.1) against ``options.now`` with the clock skew."""
    now = options.moment
    skew = options.max_clock_skew
    vc_11 = "https://www.w3.org/2018/credentials/v1" in _ctx(document)
    start_key = "validFrom" if "validFrom" in document or not vc_11 else "issuanceDate"
    end_key = "validUntil" if "validUntil" in document or not vc_11 else "expirationDate"
    for key, is_start in ((start_key, True), (end_key, False)):
        check_id = "validity.valid_from" if is_start else "validity.valid_until"
        if key not in document:
            if is_start and vc_11:
                report.add(check_id, "failed", "VC 1.1 credential without issuanceDate", f"$.{key}")
            else:
                report.add(check_id, "skipped", f"no {key}")
            continue
        moment = parse_datetime(document[key])
        if moment is None:
            report.add(
                check_id, "failed", f"{key} is not a dateTime: {document[key]!r}", f"$.{key}"
            )
        elif is_start and moment > now + skew:
            report.add(check_id, "failed", f"not valid yet: {key} is {document[key]}", f"$.{key}")
        elif not is_start and moment < now - skew:
            report.add(check_id, "failed", f"expired: {key} was {document[key]}", f"$.{key}")
        else:
            report.add(check_id, "passed", f"{key} {document[key]}")


def _ctx(document: Mapping[str, Any]) -> list[Any]:
    context = document.get("@context")
    return context if isinstance(context, list) else [context]


def check_status(
    report: VerificationReport, document: Mapping[str, Any], options: VerifyOptions
) -> None:
    """Credential status: checked with ``options.status`` (a status-list fetcher); without one
    the check is skipped, or ``error`` when ``require_status`` is set."""
    if "credentialStatus" not in document:
        report.add("status", "skipped", "the credential has no credentialStatus")
        return
    if options.status is not None:
        from .status import check_entries

        check_entries(report, document, options)
    elif options.require_status:
        report.add(
            "status",
            "error",
            "status cannot be checked (no status-list fetcher) and it is required",
            "$.credentialStatus",
        )
    else:
        report.add(
            "status",
            "skipped",
            "no status-list fetcher given; status not checked",
            "$.credentialStatus",
        )


def check_embedded(
    report: VerificationReport, document: Mapping[str, Any], options: VerifyOptions
) -> None:
    """Verify each credential inside a presentation or a CLR 2.0 ClrCredential (JSON, compact
    JWS, or an enveloped JWS data URL) into its own report in ``report.credentials``."""
    embedded = document.get("verifiableCredential")
    if "ClrCredential" in types_of(document):
        subject = document.get("credentialSubject")
        subject = subject[0] if isinstance(subject, list) and subject else subject
        embedded = subject.get("verifiableCredential") if isinstance(subject, Mapping) else None
    if embedded is None:
        return
    from .jose import verify_jwt_into

    items = embedded if isinstance(embedded, list) else [embedded]
    inner_options = replace(options, challenge=None, domain=None)
    for item in items:
        inner = VerificationReport()
        if isinstance(item, dict) and item.get("type") == "EnvelopedVerifiableCredential":
            inner.add("parse", "passed", "enveloped JWT credential")
            verify_jwt_into(inner, str(item.get("id", "")).split(",", 1)[-1], inner_options)
        elif isinstance(item, str):
            inner.add("parse", "passed", "compact JWS")
            verify_jwt_into(inner, item, inner_options)
        elif isinstance(item, dict):
            inner.add("parse", "passed", "embedded credential")
            verify_document_into(inner, item, inner_options)
        else:
            inner.add("parse", "failed", "verifiableCredential entry is neither JWT nor object")
        report.credentials.append(inner)
