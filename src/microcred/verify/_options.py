"""The one options object every step of the verification pipeline receives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from .._profiles import PROFILES
from ..jsonld import DocumentLoader, default_loader
from ..keys import DidResolver, default_resolver
from ..limits import DEFAULT_LIMITS, Limits
from ..net import Fetcher
from ..proofs import DEFAULT_SUITES, SUITES
from ..status import StatusListFetcher
from ._trust import IssuerRegistry, TrustList, load_trust_list, registries_from

__all__ = ["VerifyOptions"]


@dataclass(frozen=True)
class VerifyOptions:
    """Everything :func:`microcred.verify` takes besides the input.

    Build one with :meth:`create` (which checks and normalises the arguments, as ``verify()``
    does) and pass it as ``verify(x, options=...)``; every step of the pipeline (both routes,
    the status lists, the credentials inside a presentation) receives the same object.

    Attributes:
        now: the moment validity is judged at (``None``: the current time, UTC).
        suites: accepted Data Integrity suites (default: :data:`microcred.proofs.DEFAULT_SUITES`,
            the recommended set); the document never chooses.
        algorithms: accepted JWT ``alg`` values (``None``: :data:`jose.DEFAULT_ALGORITHMS`).
        loader: JSON-LD document loader (offline by default).
        resolver: resolves verification methods: the caller's resolver, then did:key, did:jwk.
        status: obtains status lists (``None``: none can be obtained).
        check_status: a credential with ``credentialStatus`` whose status is not checked is
            indeterminate; ``False`` opts out (the report then carries a warning).
        challenge, domain: what a presentation's proof (or JWT ``nonce``/``aud``) must carry.
        max_clock_skew: tolerance for validity dates.
        limits: input and processing limits.
        allow_embedded_jwk: a JWT may carry its key in a ``jwk`` header when that key is the
            issuer's own ``did:key``/``did:jwk``.
        allow_inline_contexts: accept embedded JSON-LD context objects that only add terms
            (the strict reading rule, ``docs/verification.md``).
        profile: also validate against this profile of :func:`microcred.validate`.
        schemas: the caller's schema registry for ``credentialSchema`` entries of type
            ``JsonSchema`` / ``JsonSchemaCredential``: URL → the schema (or the schema
            credential) as a JSON object, or as its bytes/text (then a ``digestSRI`` can be
            checked).
        schema_fetcher: fetches a schema that is not in ``schemas`` (``None``: none is
            fetched; the network is used only when the caller gives one).
        nonce, audience: what an SD-JWT's Key Binding JWT must carry (``nonce``, ``aud``);
            a nonce makes key binding required. ``None``: the presentation's ``challenge``
            / ``domain`` stand in for them (OpenID4VP passes one value for both).
        require_key_binding: an SD-JWT without a valid Key Binding JWT is invalid even when
            no nonce is given.
        kb_max_age: how old a Key Binding JWT's ``iat`` may be.
        trust_anchors: DER certificates an SD-JWT's ``x5c`` chain must end at (none: an
            ``x5c`` issuer key cannot be trusted, the check is indeterminate).
        metadata_fetcher: fetches SD-JWT VC type metadata (an https ``vct``) and JWT VC
            Issuer Metadata (``{iss}/.well-known/jwt-vc-issuer``); ``None``: nothing fetched.
        trusted_issuers: the caller's trust list (DIDs or domains with names) for the trust
            answer (``report.trust``); ``None``: none.
        registries: issuer registries (DCC format) for the trust answer.
        trusted_lists: EU trusted lists (:func:`microcred.edc.load_trusted_list`): their
            CA/QC services granted at the signing time anchor a JAdES seal's certificate,
            and the trust answer says whether the seal is qualified per them.
    """

    now: datetime | None = None
    suites: tuple[str, ...] = DEFAULT_SUITES
    algorithms: tuple[str, ...] | None = None
    loader: DocumentLoader = field(default_factory=default_loader)
    resolver: DidResolver = field(default_factory=default_resolver)
    status: StatusListFetcher | None = None
    check_status: bool = True
    challenge: str | None = None
    domain: str | tuple[str, ...] | None = None
    max_clock_skew: timedelta = timedelta(minutes=5)
    limits: Limits = DEFAULT_LIMITS
    allow_embedded_jwk: bool = False
    allow_inline_contexts: bool = False
    profile: str | None = None
    schemas: Mapping[str, Any] = field(default_factory=dict, hash=False)
    schema_fetcher: Fetcher | None = None
    nonce: str | None = None
    audience: str | None = None
    require_key_binding: bool = False
    kb_max_age: timedelta = timedelta(minutes=5)
    trust_anchors: tuple[bytes, ...] = ()
    metadata_fetcher: Fetcher | None = None
    trusted_issuers: TrustList | None = field(default=None, hash=False)
    registries: tuple[IssuerRegistry, ...] = field(default=(), hash=False)
    trusted_lists: tuple[Any, ...] = field(default=(), hash=False)

    @property
    def kb_nonce(self) -> str | None:
        """The nonce an SD-JWT's KB-JWT must carry: ``nonce``, else ``challenge``."""
        return self.nonce if self.nonce is not None else self.challenge

    @property
    def kb_audience(self) -> str | None:
        """The ``aud`` an SD-JWT's KB-JWT must carry: ``audience``, else a single ``domain``."""
        if self.audience is not None:
            return self.audience
        return self.domain if isinstance(self.domain, str) else None

    @classmethod
    def create(
        cls,
        *,
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
    ) -> VerifyOptions:
        """Options from ``verify()``'s keyword arguments (see its docstring), checked.

        ``resolver`` is tried before the offline defaults (did:key, did:jwk).
        ``require_status`` is accepted for compatibility: requiring status is the default.

        Raises:
            TypeError: an argument of the wrong type (``now`` not a datetime, ``status``
                without a ``fetch`` method, ...).
            ValueError: an unknown suite or profile, or ``require_status`` with
                ``check_status=False``.
            TrustSourceError: ``trusted_issuers`` or a registry is a file or JSON that
                cannot be used (not JSON, too large, not of its format's shape).
        """
        now = _aware(now)
        chosen = _suites(suites, algorithms)
        if profile is not None and profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
        if status is not None and not isinstance(status, StatusListFetcher):
            raise TypeError("status must be a status-list fetcher (an object with fetch(url))")
        if require_status and not check_status:
            raise ValueError("require_status=True contradicts check_status=False")
        if not isinstance(max_clock_skew, timedelta):
            raise TypeError("max_clock_skew must be a timedelta")
        if not isinstance(limits, Limits):
            raise TypeError("limits must be a microcred.Limits")
        registry = _schema_registry(schemas)
        _check_fetcher_and_binding_arguments(
            schema_fetcher, metadata_fetcher, nonce, audience, kb_max_age
        )
        return cls(
            now=now,
            suites=chosen,
            algorithms=tuple(algorithms) if algorithms is not None else None,
            loader=loader or default_loader(),
            resolver=default_resolver(extra=[resolver])
            if resolver is not None
            else default_resolver(),
            status=status,
            check_status=bool(check_status),
            challenge=challenge,
            domain=domain if domain is None or isinstance(domain, str) else tuple(domain),
            max_clock_skew=max_clock_skew,
            limits=limits,
            allow_embedded_jwk=bool(allow_embedded_jwk),
            allow_inline_contexts=bool(allow_inline_contexts),
            profile=profile,
            schemas=registry,
            schema_fetcher=schema_fetcher,
            nonce=nonce,
            audience=audience,
            require_key_binding=bool(require_key_binding),
            kb_max_age=kb_max_age,
            trust_anchors=_anchors(trust_anchors),
            metadata_fetcher=metadata_fetcher,
            trusted_issuers=load_trust_list(trusted_issuers)
            if trusted_issuers is not None
            else None,
            registries=registries_from(registries),
            trusted_lists=_trusted_lists(trusted_lists),
        )

    @property
    def moment(self) -> datetime:
        """The time the verification is made at."""
        return self.now or datetime.now(timezone.utc)

    def for_embedded(self) -> VerifyOptions:
        """The options for a credential inside a presentation or CLR: the presentation's
        challenge and domain are not the credential's, and ``now`` is fixed for all of them."""
        return replace(
            self,
            challenge=None,
            domain=None,
            nonce=None,
            audience=None,
            require_key_binding=False,
            now=self.moment,
        )

    def for_status_list(self) -> VerifyOptions:
        """The options a status-list credential is verified with: the caller's own (suites,
        algorithms, resolver, loader, limits, time), without a profile or a presentation's
        challenge; a list's own status is not checked (it would recurse). That is
        :meth:`for_embedded` (no presentation-bound option, ``now`` fixed) without a profile
        and a status check, so an option bound to a presentation is dropped in one place."""
        return replace(self.for_embedded(), profile=None, check_status=False)


def _trusted_lists(lists: Iterable[Any] | None) -> tuple[Any, ...]:
    """``trusted_lists=``: loaded :class:`~microcred.edc.TrustedList` objects (a list is
    loaded with the certificates it is pinned to, so a path is not enough)."""
    if lists is None or (isinstance(lists, (list, tuple)) and not lists):
        return ()  # (the edc package loads only when there are lists)
    from ..edc._tl import TrustedList

    found = (lists,) if isinstance(lists, TrustedList) else tuple(lists)
    for item in found:
        if not isinstance(item, TrustedList):
            raise TypeError(
                "trusted_lists: lists loaded with microcred.edc.load_trusted_list (which "
                f"checks their signature), not {type(item).__name__}"
            )
    return found


def _aware(now: datetime | None) -> datetime | None:
    """``now`` checked; a naive datetime is taken as UTC."""
    if now is not None and not isinstance(now, datetime):
        raise TypeError("now must be a datetime")
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now


def _suites(suites: Iterable[str] | None, algorithms: Iterable[str] | None) -> tuple[str, ...]:
    """The accepted suites (default :data:`~microcred.proofs.DEFAULT_SUITES`), each known."""
    if isinstance(suites, str) or isinstance(algorithms, str):
        raise TypeError("suites and algorithms are lists of names, not one string")
    chosen = tuple(suites) if suites is not None else DEFAULT_SUITES
    unknown = [s for s in chosen if s not in SUITES]
    if unknown:
        raise ValueError(f"unknown suite(s): {', '.join(unknown)}; known: {', '.join(SUITES)}")
    return chosen


def _check_fetcher_and_binding_arguments(
    schema_fetcher: object,
    metadata_fetcher: object,
    nonce: object,
    audience: object,
    kb_max_age: object,
) -> None:
    """The fetchers have ``fetch``, ``nonce``/``audience`` are strings, ``kb_max_age`` a
    timedelta."""
    for name, fetcher in (
        ("schema_fetcher", schema_fetcher),
        ("metadata_fetcher", metadata_fetcher),
    ):
        if fetcher is not None and not callable(getattr(fetcher, "fetch", None)):
            raise TypeError(f"{name} must be a fetcher (an object with fetch(url, ...))")
    for name, text in (("nonce", nonce), ("audience", audience)):
        if text is not None and not isinstance(text, str):
            raise TypeError(f"{name} must be a string")
    if not isinstance(kb_max_age, timedelta):
        raise TypeError("kb_max_age must be a timedelta")


def _schema_registry(schemas: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """``schemas`` checked and copied: URL strings to JSON objects, bytes or text (a plain
    ``dict``, so that options can be pickled for worker processes)."""
    if schemas is None:
        return {}
    if not isinstance(schemas, Mapping):
        raise TypeError("schemas must be a mapping of schema URL to schema")
    for url, schema in schemas.items():
        if not isinstance(url, str) or not url:
            raise TypeError("schemas: every key must be a schema URL (a string)")
        if not isinstance(schema, (Mapping, str, bytes, bytearray)):
            raise TypeError(
                f"schemas[{url[:80]!r}] must be a JSON object, or its bytes or text, "
                f"not {type(schema).__name__}"
            )
    return dict(schemas)


def _anchors(anchors: Iterable[Any] | None) -> tuple[bytes, ...]:
    """Trust anchors as DER bytes: each a ``cryptography`` certificate, or its PEM or DER
    bytes (a PEM may hold several certificates)."""
    if anchors is None:
        return ()
    if isinstance(anchors, (bytes, bytearray, str)):
        anchors = [anchors]
    anchors = list(anchors)
    if not anchors:
        return ()  # without loading the X.509 layer (the CLI passes an empty list)
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    found: list[bytes] = []
    for anchor in anchors:
        if isinstance(anchor, x509.Certificate):
            found.append(anchor.public_bytes(Encoding.DER))
            continue
        if isinstance(anchor, str):
            anchor = anchor.encode("ascii")
        if not isinstance(anchor, (bytes, bytearray)):
            raise TypeError("trust_anchors: each is a certificate, or its PEM or DER bytes")
        data = bytes(anchor)
        try:
            if b"-----BEGIN" in data:
                found += [
                    c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(data)
                ]
            else:
                found.append(x509.load_der_x509_certificate(data).public_bytes(Encoding.DER))
        except ValueError as exc:
            raise ValueError(f"trust_anchors: not a certificate ({exc})") from None
    return tuple(found)
