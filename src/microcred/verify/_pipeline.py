"""``verify()``: parse → route → shared checks → the credentials inside.

The pipeline is the only caller of the routes; a route never calls back into it. Each route
(:mod:`._di` for Data Integrity, :mod:`._jwt` for compact JWS, the latter also for the token
of an enveloped credential or presentation, :mod:`._enveloped`; :mod:`._jades` for a JAdES
seal in the JWS JSON serialization) turns its input into a
:class:`~._secured.Secured` document with the signatures that verified; the shared steps then
run once, whatever the route: issuer/holder binding (:mod:`._binding`), then for a credential
subject, validity, status, schema and profile (:mod:`._body`), and the credentials inside a
presentation or a CLR, each verified by the pipeline into its own report.

Nothing raises for a bad input: every failure is a check. An unexpected internal failure
becomes the check ``internal`` (``error``: the outcome is indeterminate) naming the
exception's class, so one input never stops a batch.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from .._input import read_input
from .._vc import types_of
from ..errors import MicrocredError
from ..jsonld import DocumentLoader
from ..keys import DidResolver
from ..limits import DEFAULT_LIMITS, Limits
from ..net import Fetcher
from ..report import VerificationReport
from ..status import StatusListFetcher
from . import _di, _jwt
from ._binding import check_binding
from ._body import check_profile, check_schemas, check_status, check_subject, check_validity
from ._enveloped import envelope_kind, open_envelope
from ._options import VerifyOptions
from ._secured import Secured
from ._trust import assess

__all__ = ["verify", "verify_with"]


def verify(
    credential: Any,
    *,
    options: VerifyOptions | None = None,
    now: datetime | None = None,
    suites: Iterable[str] | None = None,
    algorithms: Iterable[str] | None = None,
    loader: DocumentLoader | None = None,
    resolver: DidResolver | None = None,
    status: StatusListFetcher | None = None,
    check_status: bool = True,
    require_status: bool = False,
    challenge: str | None = None,
    domain: str | Sequence[str] | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
    limits: Limits = DEFAULT_LIMITS,
    allow_embedded_jwk: bool = False,
    allow_inline_contexts: bool = False,
    profile: str | None = None,
    schemas: Mapping[str, Any] | None = None,
    schema_fetcher: Fetcher | None = None,
    nonce: str | None = None,
    audience: str | None = None,
    require_key_binding: bool = False,
    kb_max_age: timedelta = timedelta(minutes=5),
    trust_anchors: Iterable[Any] | None = None,
    metadata_fetcher: Fetcher | None = None,
    trusted_issuers: Any = None,
    registries: Iterable[Any] | None = None,
    trusted_lists: Iterable[Any] | None = None,
) -> VerificationReport:
    """Verify a credential or presentation and report every check.

    Args:
        credential: a dict, JSON text/bytes, a compact JWT, or the bytes of a baked PNG/SVG.
        options: every option below as one :class:`VerifyOptions` (then pass no other option).
        now: the moment to judge validity dates at (default: the current time, UTC).
        suites: accepted Data Integrity suites (default: the recommended set,
            :data:`microcred.proofs.DEFAULT_SUITES`; the detached-JWS suites of
            :data:`~microcred.proofs.OPT_IN_SUITES` only when named). The document never
            chooses: a proof of another suite fails the ``proof.suite`` check.
        algorithms: accepted JWT ``alg`` values (default: the asymmetric set).
        loader: JSON-LD document loader (default: vendored contexts only, offline).
        resolver: resolves verification methods; it is tried *before* the offline defaults
            (did:key, did:jwk), e.g. ``keys.StaticResolver([controller_document])``.
        status: a status-list fetcher, e.g. ``status.StaticStatusLists({url: list})``.
        check_status: a credential with a ``credentialStatus`` whose status is not checked
            (no fetcher, a list that cannot be had, a method microcred does not implement) is
            *indeterminate*. ``False`` opts out: the ``status`` check is skipped and the report
            warns.
        require_status: accepted for compatibility; requiring status is the default.
        challenge, domain: required values for a presentation's proof.
        max_clock_skew: tolerance for validity dates.
        limits: input and processing limits.
        allow_embedded_jwk: let a JWT without ``kid`` be checked with the key in its ``jwk``
            header, when that key is the issuer's own ``did:key`` or ``did:jwk`` (it then
            counts as the issuer's key); any other embedded key is indeterminate.
        allow_inline_contexts: accept embedded JSON-LD context objects (``@context`` entries
            that are objects), when they only add terms (see ``docs/verification.md``).
        profile: also validate the credential against a profile of :func:`microcred.validate`
            (``"ob3"``, ``"eu-microcredential"``, ...) as the final ``profile`` check.
        schemas: the caller's schemas for ``credentialSchema`` entries of type ``JsonSchema``
            or ``JsonSchemaCredential`` (W3C VC JSON Schema): schema URL → the schema, or the
            schema credential, as a JSON object or its bytes (bytes let a ``digestSRI`` be
            checked). A ``$ref`` resolves only among these; none is ever fetched.
        schema_fetcher: fetches a schema that is not in ``schemas`` (e.g.
            :class:`microcred.net.HttpsFetcher`); without one, nothing is fetched and such
            a schema is skipped with a warning.
        nonce, audience: what an SD-JWT's Key Binding JWT must carry (``nonce``, ``aud``);
            given, key binding is required. ``None``: ``challenge`` / ``domain`` stand in.
        require_key_binding: an SD-JWT must come with a valid Key Binding JWT.
        kb_max_age: how old a Key Binding JWT's ``iat`` may be.
        trust_anchors: certificates (``cryptography`` objects, PEM or DER bytes) an SD-JWT's
            ``x5c`` chain must validate to, and a JAdES seal's certificate and time-stamping
            authorities (``docs/edc.md``).
        metadata_fetcher: fetches SD-JWT VC type metadata (an https ``vct``) and JWT VC Issuer
            Metadata (``{iss}/.well-known/jwt-vc-issuer``); without one nothing is fetched.
        trusted_issuers: the caller's trust list for the trust answer (``report.trust``): a
            :class:`TrustList` (:func:`load_trust_list`), a mapping of DID or domain to name,
            or a JSON file's path or bytes (``{"name": ..., "issuers": [{"id": ..., "name":
            ...}, {"domain": ..., "name": ...}]}``).
        registries: issuer registries in the DCC format (:func:`load_registry`): each a
            registry, a path, or the JSON's bytes.
        trusted_lists: EU trusted lists loaded with :func:`microcred.edc.load_trusted_list`
            (their signature checked): a JAdES seal's certificate is anchored in their CA/QC
            services granted at the signing time, and the trust answer says "sealed by
            <organisation, country> with a qualified seal per the EU trusted list" or why
            not.

    Returns:
        A :class:`~microcred.report.VerificationReport`; never raises for a bad credential.
        Read ``report.document`` only when ``report.verified``: every member a reader finds by
        name is then one the signature covers.

    Raises:
        TypeError / ValueError: misuse (an argument of the wrong type, an unknown suite or
            profile, ``options`` together with other options).
        TrustSourceError: a trust list or registry that cannot be used (not JSON, too large,
            the wrong shape).
    """
    if options is None and not _given_besides(locals()):
        options = _default_options()  # (immutable: one for every call without options)
    elif options is None:
        options = VerifyOptions.create(
            now=now,
            suites=suites,
            algorithms=algorithms,
            loader=loader,
            resolver=resolver,
            status=status,
            check_status=check_status,
            require_status=require_status,
            challenge=challenge,
            domain=domain,
            max_clock_skew=max_clock_skew,
            limits=limits,
            allow_embedded_jwk=allow_embedded_jwk,
            allow_inline_contexts=allow_inline_contexts,
            profile=profile,
            schemas=schemas,
            schema_fetcher=schema_fetcher,
            nonce=nonce,
            audience=audience,
            require_key_binding=require_key_binding,
            kb_max_age=kb_max_age,
            trust_anchors=trust_anchors,
            metadata_fetcher=metadata_fetcher,
            trusted_issuers=trusted_issuers,
            registries=registries,
            trusted_lists=trusted_lists,
        )
    elif not isinstance(options, VerifyOptions):
        raise TypeError("options must be a microcred.verify.VerifyOptions")
    elif _given_besides(locals()):
        raise TypeError("pass either options= or individual options, not both")
    return verify_with(credential, options)


_DEFAULTS: dict[str, Any] = {
    "now": None,
    "suites": None,
    "algorithms": None,
    "loader": None,
    "resolver": None,
    "status": None,
    "check_status": True,
    "require_status": False,
    "challenge": None,
    "domain": None,
    "max_clock_skew": timedelta(minutes=5),
    "limits": DEFAULT_LIMITS,
    "allow_embedded_jwk": False,
    "allow_inline_contexts": False,
    "profile": None,
    "schemas": None,
    "schema_fetcher": None,
    "nonce": None,
    "audience": None,
    "require_key_binding": False,
    "kb_max_age": timedelta(minutes=5),
    "trust_anchors": None,
    "metadata_fetcher": None,
    "trusted_issuers": None,
    "registries": None,
    "trusted_lists": None,
}


@functools.cache
def _default_options() -> VerifyOptions:
    """The options of a call that gives none (the current time is read at each use)."""
    return VerifyOptions.create()


def _given_besides(arguments: Mapping[str, Any]) -> bool:
    return any(arguments[name] != default for name, default in _DEFAULTS.items())


def verify_with(credential: Any, options: VerifyOptions) -> VerificationReport:
    """:func:`verify` with its options already made (``VerifyOptions.create``)."""
    if not isinstance(credential, (Mapping, str, bytes, bytearray)):
        read_input(credential, limits=options.limits)  # raises the TypeError for misuse
    report = VerificationReport()
    try:
        value, description = read_input(credential, limits=options.limits)
    except MicrocredError as exc:
        report.add("parse", "failed", str(exc))
        assess(report, None, options.trusted_issuers, options.registries)
        return report
    except RecursionError:
        report.add("parse", "failed", "input nests too deeply")
        assess(report, None, options.trusted_issuers, options.registries)
        return report
    report.add("parse", "passed", description)
    _guarded(report, value, options)
    return report


def _guarded(report: VerificationReport, value: Any, options: VerifyOptions) -> None:
    """:func:`_run`, turning any unexpected exception into the ``internal`` check; then the
    trust step (:mod:`._trust`), which reads the outcome and never changes it."""
    secured: Secured | None = None
    try:
        secured = _run(report, value, options)
    except RecursionError:
        report.add("internal", "error", "the input nests too deeply to be verified")
    except Exception as exc:
        report.add(
            "internal",
            "error",
            f"internal error ({type(exc).__name__}) while verifying; the input could not be "
            "checked (please report it)",
        )
    assess(report, secured, options.trusted_issuers, options.registries)


def _run(report: VerificationReport, value: Any, options: VerifyOptions) -> Secured | None:
    """Route ``value`` (a JSON object, a compact JWS or an SD-JWT), then the shared checks;
    the secured document (``None`` when no route produced one)."""
    # the JAdES and SD-JWT layers load only for what may be theirs (the cold start of the
    # others): JWS JSON Serialization has a "payload" member, the compact form a "~" (never
    # in a JWS). A JAdES seal (b64: false, sigT or etsiU) is routed first: the SD-JWT JSON
    # serialization check would claim any "payload" object.
    if isinstance(value, dict) and "payload" in value and "@context" not in value:
        from ..edc import looks_like_jades

        if looks_like_jades(value):
            from . import _jades

            return _shared(report, _jades.route(report, value, options), options)
        from ..sdjwt import SdJwtError, from_json_serialization
        from ..sdjwt._token import is_json_serialized

        if is_json_serialized(value):
            try:
                value = from_json_serialization(value)
            except SdJwtError as exc:
                report.add("sdjwt.format", "failed", exc.message)
                return None
    sd_jwt = isinstance(value, str) and "~" in value
    if sd_jwt:
        from . import _sdjwt

        sd_jwt = _sdjwt.looks_like_sd_jwt(value)
    if sd_jwt:
        secured = _sdjwt.route(report, value, options)
        if secured is not None and report.format == "sd-jwt-vc":
            _check_sd_jwt_vc(report, secured, options)
            return secured
    elif isinstance(value, str):
        secured = _jwt.route(report, value, options)
    elif isinstance(value, dict) and envelope_kind(value) is not None:
        secured = _enveloped_route(report, value, options)
    elif isinstance(value, dict):
        secured = _di.route(report, value, options)
    else:
        report.add("format", "failed", "neither a JSON object nor a compact JWS")
        return None
    return _shared(report, secured, options)


def _shared(
    report: VerificationReport, secured: Secured | None, options: VerifyOptions
) -> Secured | None:
    """The shared checks on what a route secured (nothing when it secured nothing)."""
    if secured is None:
        return None
    check_binding(report, secured, options.resolver)
    if secured.kind == "presentation":
        if options.challenge is None:
            report.warn(
                "proof.challenge",
                "the caller required no challenge: the presentation could be a replay",
            )
        _check_embedded(report, secured.document, options)
        return secured
    _check_credential(report, secured, options)
    return secured


def _enveloped_route(
    report: VerificationReport, document: dict[str, Any], options: VerifyOptions
) -> Secured | None:
    """An ``EnvelopedVerifiableCredential``/``-Presentation``: the ``envelope`` check, then the
    JWT route on the token it holds, which must carry what the envelope's type says."""
    envelope = open_envelope(report, document, options.limits)
    if envelope is None:
        return None
    secured = _jwt.route(report, envelope.token, options)
    if secured is not None and secured.kind != envelope.kind:
        report.add(
            "envelope",
            "failed",
            f"the envelope says it holds a {envelope.kind}, its token carries a {secured.kind}",
            "$.id",
        )
        return None
    return secured


def _check_sd_jwt_vc(report: VerificationReport, secured: Secured, options: VerifyOptions) -> None:
    """The shared checks an SD-JWT VC's claims go through: the route has checked the issuer
    binding (``iss``) and the time claims (``iat``/``nbf``/``exp``); status (``status``) is the
    shared step's; a profile applies to VC data model documents only."""
    check_status(report, secured.document, options, lambda listed: _verify_list(listed, options))
    statuses = [c for c in report.checks if c.id == "status"]
    if (
        "status" in secured.document
        and options.check_status
        and all(c.status == "skipped" for c in statuses)
    ):
        # a status claim that no status step read must not pass as "no status"
        report.add(
            "status",
            "error",
            "the credential's status claim (IETF Token Status List) was not checked",
            "$.status",
        )
    if options.profile is not None:
        report.warn(
            "profile",
            f"the profile {options.profile!r} applies to VC data model credentials; "
            "an SD-JWT VC was not validated against it",
        )


def _check_credential(report: VerificationReport, secured: Secured, options: VerifyOptions) -> None:
    document = secured.document
    check_subject(report, document)
    check_validity(report, document, options)
    check_status(report, document, options, lambda listed: _verify_list(listed, options))
    check_schemas(report, document, options, lambda schema: _verify_schema(schema, options))
    if "ClrCredential" in types_of(document):
        _check_embedded(report, document, options)
    check_profile(report, document, options)


def _verify_list(listed: Any, options: VerifyOptions) -> VerificationReport:
    """A status-list credential, verified with the caller's options (for the status step)."""
    return verify_with(listed, options.for_status_list())


def _verify_schema(schema: Any, options: VerifyOptions) -> VerificationReport:
    """A ``JsonSchemaCredential``, verified with the caller's options (as a status list is);
    its own ``credentialSchema`` is not applied (no registry, no fetcher: no loop)."""
    return verify_with(
        schema,
        replace(options.for_status_list(), schemas={}, schema_fetcher=None),
    )


def _check_embedded(
    report: VerificationReport, document: Mapping[str, Any], options: VerifyOptions
) -> None:
    """Verify each credential inside a presentation or a CLR 2.0 ``ClrCredential`` (JSON, a
    compact JWS, or an ``EnvelopedVerifiableCredential`` data URL) into its own report in
    ``report.credentials``."""
    embedded = document.get("verifiableCredential")
    if "ClrCredential" in types_of(document):
        subject = document.get("credentialSubject")
        subject = subject[0] if isinstance(subject, list) and subject else subject
        embedded = subject.get("verifiableCredential") if isinstance(subject, Mapping) else None
    if embedded is None:
        return
    items = embedded if isinstance(embedded, list) else [embedded]
    inner_options = options.for_embedded()
    for item in items:
        inner = VerificationReport()
        if isinstance(item, dict) and envelope_kind(item) is not None:
            inner.add("parse", "passed", "enveloped credential")
            _guarded(inner, item, inner_options)
        elif isinstance(item, str):
            inner.add("parse", "passed", "compact JWS")
            _guarded(inner, item, inner_options)
        elif isinstance(item, dict):
            inner.add("parse", "passed", "embedded credential")
            _guarded(inner, item, inner_options)
        else:
            inner.add("parse", "failed", "verifiableCredential entry is neither JWT nor object")
            assess(inner, None, options.trusted_issuers, options.registries)
        if inner.kind == "presentation":
            inner.add("format", "failed", "verifiableCredential holds a presentation")
        report.credentials.append(inner)
