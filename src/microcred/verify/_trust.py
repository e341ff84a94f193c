"""The trust step: who issued a credential, as far as the caller's sources confirm it.

A verified credential proves that *some key* signed it; whether that key is the institution
the issuer profile names is a separate question, answered here into
:attr:`~microcred.report.VerificationReport.trust` (a :class:`~microcred.report.TrustAnswer`)
and never into the outcome. The sources, all offline (files the caller gives), in order of
precedence when several confirm:

1. ``list``: the caller's trust list (``trusted_issuers=``), DIDs or domains with names;
2. ``registry``: issuer registries in the Digital Credentials Consortium's format (the JSON
   that ``@digitalcredentials/issuer-registry-client`` reads);
3. ``trusted-list``: an SD-JWT VC whose issuer key is the leaf of an ``x5c`` chain that
   validated to the caller's trust anchors (the route validated it; the signature records
   the anchor and the leaf's name);
4. ``domain``: a ``did:web`` or ``https:`` issuer whose key its own DID (controller)
   document lists, as the caller's resolver served it. A domain confirms the *domain*, not
   a name: the confirmed name is the domain itself.

Before them all, ``eu-trusted-list``: a JAdES seal that the EU trusted lists the caller
loaded (``trusted_lists=``) make a qualified seal at the signing time confirms the seal
holder's organisation and country ("sealed by <organisation, country> with a qualified seal
per the EU trusted list"). A seal they do not (not anchored, a service withdrawn at the
signing time, not a qualified certificate for seals) says why, when no other source
confirms the issuer.

A credential that did not verify is never confirmed.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._vc import issuer_id
from ..errors import TrustSourceError
from ..report import TrustAnswer, VerificationReport, profile_names
from ._secured import Secured

__all__ = [
    "IssuerRegistry",
    "TrustList",
    "assess",
    "load_registry",
    "load_trust_list",
    "trust_list_from",
]

#: The largest trust list or registry file read (bytes).
MAX_SOURCE_BYTES = 4 * 1024 * 1024
#: The most entries one trust list or registry may hold.
MAX_ENTRIES = 20_000
#: The longest DID, domain or name an entry may have (characters).
_MAX_TEXT = 2048

SELF_ASSERTED = "self-asserted; the key is not linked to a domain or a trust list"
NOT_VERIFIED = "the credential did not verify, so nothing confirms who issued it"

_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?(?:/[^\s?#]*)?")


@dataclass(frozen=True)
class TrustList:
    """The caller's own list of issuers it relies on (``verify(trusted_issuers=...)``).

    Attributes:
        name: the list's name (its ``name`` member, else the file's name), reported as the
            trust answer's ``source``.
        issuers: DID or URL (exact) → the issuer's name.
        domains: domain (``host[:port][/path]``, lower-case) → the issuer's name; it
            matches an issuer on that host (and, with a path, under that path).
    """

    name: str
    issuers: Mapping[str, str] = field(default_factory=dict, hash=False)
    domains: Mapping[str, str] = field(default_factory=dict, hash=False)

    def lookup(self, issuer: str) -> str | None:
        """The name this list gives ``issuer`` (by its id, then by its domain), or ``None``."""
        if issuer in self.issuers:
            return self.issuers[issuer]
        domain = domain_of(issuer)
        if domain is None:
            return None
        host, _, path = domain.partition("/")
        for candidate, name in self.domains.items():
            wanted_host, _, wanted_path = candidate.partition("/")
            if wanted_host != host:
                continue
            if not wanted_path or path == wanted_path or path.startswith(wanted_path + "/"):
                return name
        return None


@dataclass(frozen=True)
class IssuerRegistry:
    """One issuer registry in the Digital Credentials Consortium's format.

    Attributes:
        name: the registry's name as ``@digitalcredentials/issuer-registry-client`` reports
            it, reported as the trust answer's ``source``.
        issuers: DID → the issuer's name in the registry.
    """

    name: str
    issuers: Mapping[str, str] = field(default_factory=dict, hash=False)

    def lookup(self, issuer: str) -> str | None:
        """The name this registry gives the DID ``issuer``, or ``None``."""
        return self.issuers.get(issuer)


def domain_of(issuer: str) -> str | None:
    """The domain a ``did:web`` or ``https:`` issuer names: ``host[:port][/path]``, lower-case
    host, as the identifier names it (``did:web:uni.example:issuers:2026`` →
    ``uni.example/issuers/2026``; ``https://uni.example/issuer`` → ``uni.example/issuer``);
    ``None`` for any other identifier."""
    if issuer.startswith("did:web:"):
        head, *segments = issuer[len("did:web:") :].split("#", 1)[0].split(":")
        host = re.sub("%3[Aa]", ":", head).lower()
        if not host:
            return None
        return "/".join([host, *segments])
    if issuer.startswith("https://"):
        parts = urlsplit(issuer)
        if not parts.hostname:
            return None
        netloc = parts.hostname.lower() + (f":{parts.port}" if parts.port else "")
        path = parts.path.rstrip("/")
        return netloc + path
    return None


def _comparable(name: str) -> str:
    """A name for the case- and space-insensitive comparison (NFKC, case-folded, runs of
    white space made one)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


# ---------------------------------------------------------------------------------------
# loading


def _read(source: Any, what: str) -> tuple[Any, str | None]:
    """``source`` (a path, bytes/text of JSON, or a parsed mapping/list) as JSON, with the
    file's name when it came from a file."""
    if isinstance(source, (Mapping, list)):
        return source, None
    if isinstance(source, (bytes, bytearray)):
        return _parse(bytes(source), what), None
    if isinstance(source, (str, os.PathLike)):
        text = str(source)
        if isinstance(source, str) and text.lstrip()[:1] in ("{", "["):
            return _parse(text.encode("utf-8"), what), None
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > MAX_SOURCE_BYTES:
                raise TrustSourceError(
                    f"{what} {path.name}: {size} bytes, more than the {MAX_SOURCE_BYTES} read"
                )
            with path.open("rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
        except OSError as exc:
            raise TrustSourceError(
                f"{what} {path.name} cannot be read: {exc.strerror or exc}"
            ) from None
        return _parse(data, f"{what} {path.name}"), path.name
    raise TypeError(
        f"{what}: a path, JSON bytes or text, or a mapping, not {type(source).__name__}"
    )


def _parse(data: bytes, what: str) -> Any:
    if len(data) > MAX_SOURCE_BYTES:
        raise TrustSourceError(f"{what}: more than {MAX_SOURCE_BYTES} bytes")
    from .. import _json
    from ..errors import MicrocredError

    try:
        return _json.loads(data)
    except MicrocredError as exc:
        raise TrustSourceError(f"{what} is not JSON: {exc.message}") from None
    except (ValueError, RecursionError) as exc:
        raise TrustSourceError(f"{what} is not JSON: {exc}") from None


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
        raise TrustSourceError(
            f"{what} must be a non-empty string of at most {_MAX_TEXT} characters"
        )
    return value.strip()


def _domain(value: Any, what: str) -> str:
    text = _text(value, what).lower()
    if text.startswith("https://"):
        found = domain_of(text)
        text = found if found is not None else text
    text = text.rstrip("/")
    if not _DOMAIN.fullmatch(text):
        raise TrustSourceError(f"{what} {text[:80]!r} is not a domain (host[:port][/path])")
    return text


def trust_list_from(value: Any, default_name: str = "trust list") -> TrustList:
    """A :class:`TrustList` from its JSON: ``{"name": ..., "issuers": [{"id": DID, "name":
    ...}, {"domain": "uni.example", "name": ...}]}`` (``did`` may stand for ``id``;
    ``issuers`` may be a mapping of id to name; the array alone is a list without a name), or
    a plain mapping of DID-or-domain to name (``{"did:web:uni.example": "Uni"}``).

    Raises:
        TrustSourceError: not of either shape, more than :data:`MAX_ENTRIES` entries, an
            entry without a usable id/domain or name.
    """
    if isinstance(value, TrustList):
        return value
    name = default_name
    entries: list[tuple[str | None, str | None, Any]] = []
    if isinstance(value, list):
        value = {"issuers": value}
    if isinstance(value, Mapping) and "issuers" in value:
        if "name" in value:
            name = _text(value["name"], "the trust list's name")
        issuers = value["issuers"]
        if isinstance(issuers, Mapping):
            issuers = [{"id": k, "name": v} for k, v in issuers.items()]
        if not isinstance(issuers, list):
            raise TrustSourceError("a trust list's issuers must be an array of entries")
        if len(issuers) > MAX_ENTRIES:
            raise TrustSourceError(f"a trust list holds at most {MAX_ENTRIES} issuers")
        for index, entry in enumerate(issuers):
            if not isinstance(entry, Mapping):
                raise TrustSourceError(f"trust list entry {index} is not an object")
            ident = entry.get("id", entry.get("did"))
            if (ident is not None) == ("domain" in entry):
                raise TrustSourceError(f"trust list entry {index} needs one of id or domain")
            entries.append((ident, entry.get("domain"), entry.get("name")))
    elif isinstance(value, Mapping):
        if len(value) > MAX_ENTRIES:
            raise TrustSourceError(f"a trust list holds at most {MAX_ENTRIES} issuers")
        for key, entry_name in value.items():
            is_id = isinstance(key, str) and (key.startswith("did:") or "://" in key)
            entries.append((key if is_id else None, None if is_id else key, entry_name))
    else:
        raise TrustSourceError(
            'a trust list is a JSON object: {"name": ..., "issuers": [{"id": ..., "name": ...}]}'
            " or a mapping of DID or domain to name, not a JSON "
            + type(value).__name__.replace("str", "string")
        )
    issuers_by_id: dict[str, str] = {}
    domains: dict[str, str] = {}
    for index, (did, domain, entry_name) in enumerate(entries):
        label = _text(entry_name, f"trust list entry {index}: name")
        if did is not None:
            ident = _text(did, f"trust list entry {index}: id")
            if not (ident.startswith("did:") or ident.startswith("https://")):
                raise TrustSourceError(
                    f"trust list entry {index}: id {ident[:80]!r} is neither a DID nor an https URL"
                )
            issuers_by_id[ident] = label
        else:
            domains[_domain(domain, f"trust list entry {index}: domain")] = label
    return TrustList(name, issuers_by_id, domains)


def load_trust_list(source: Any) -> TrustList:
    """Read a trust list (see :func:`trust_list_from` for the format).

    Args:
        source: a file path, the JSON as bytes or text, or the parsed JSON (a mapping).

    Returns:
        A :class:`TrustList` that ``verify(trusted_issuers=...)`` accepts; its name is the
        list's ``name``, else the file's name, else ``"trust list"``.

    Raises:
        TrustSourceError: the file cannot be read, is larger than 4 MiB, is not JSON, or not
            of a trust list's shape.
        TypeError: ``source`` is of none of these types.
    """
    if isinstance(source, TrustList):
        return source
    value, file_name = _read(source, "trust list")
    return trust_list_from(value, file_name or "trust list")


def registry_from(value: Any, name: str = "issuer registry") -> IssuerRegistry:
    """An :class:`IssuerRegistry` from the DCC registry JSON (the ``dcc-legacy`` type of
    ``@digitalcredentials/issuer-registry-client``): ``{"meta": {...}, "registry": {DID:
    {"name": ..., "url": ..., "location": ...}}}``. The file does not name the registry (the
    client takes the name from its list of known registries): ``name`` does, and a string
    ``meta.name`` of the file is used when ``name`` is not given.

    Raises:
        TrustSourceError: not of that shape (``registry`` not an object of DID to objects,
            an entry without a ``name`` string), or more than :data:`MAX_ENTRIES` entries.
    """
    if isinstance(value, IssuerRegistry):
        return value
    if not isinstance(value, Mapping) or not isinstance(value.get("registry"), Mapping):
        raise TrustSourceError(
            'an issuer registry is a JSON object with a "registry" object of DID to entry '
            "(the DCC registry format)"
        )
    registry = value["registry"]
    if len(registry) > MAX_ENTRIES:
        raise TrustSourceError(f"an issuer registry holds at most {MAX_ENTRIES} issuers")
    issuers: dict[str, str] = {}
    for did, entry in registry.items():
        label = f"registry entry {str(did)[:80]!r}"
        ident = _text(did, label)
        if not ident.startswith("did:"):
            raise TrustSourceError(f"{label}: a registry lists DIDs")
        if not isinstance(entry, Mapping):
            raise TrustSourceError(f"{label} is not an object")
        issuers[ident] = _text(entry.get("name"), f"{label}: name")
    return IssuerRegistry(_text(name, "the registry's name"), issuers)


def load_registry(source: Any, *, name: str | None = None) -> IssuerRegistry:
    """Read an issuer registry in the DCC format (see :func:`registry_from`).

    Args:
        source: a file path, the JSON as bytes or text, or the parsed JSON (a mapping).
        name: the registry's name, reported as the trust answer's ``source`` (as the DCC
            client reports the name of its known-registries entry); default: the file's
            ``meta.name`` when it has one, else the file's name, else ``"issuer registry"``.

    Returns:
        An :class:`IssuerRegistry` that ``verify(registries=[...])`` accepts.

    Raises:
        TrustSourceError: the file cannot be read, is larger than 4 MiB, is not JSON, or not
            of a registry's shape.
        TypeError: ``source`` is of none of these types.
    """
    if isinstance(source, IssuerRegistry):
        return source if name is None else IssuerRegistry(name, source.issuers)
    value, file_name = _read(source, "issuer registry")
    if name is None:
        meta = value.get("meta") if isinstance(value, Mapping) else None
        given = meta.get("name") if isinstance(meta, Mapping) else None
        name = given if isinstance(given, str) and given.strip() else None
    return registry_from(value, name or file_name or "issuer registry")


def registries_from(sources: Iterable[Any] | None) -> tuple[IssuerRegistry, ...]:
    """``verify(registries=...)``: each a registry, path, bytes or parsed JSON, in order of
    authority (the first that lists a DID names it)."""
    if sources is None:
        return ()
    if isinstance(sources, (str, bytes, bytearray, os.PathLike, Mapping, IssuerRegistry)):
        sources = [sources]
    return tuple(load_registry(source) for source in sources)


# ---------------------------------------------------------------------------------------
# the step


def _issuer_of(report: VerificationReport) -> str | None:
    document = report.document
    if not isinstance(document, dict):
        return None
    found = issuer_id(document)
    if found is None and report.format == "sd-jwt-vc" and isinstance(document.get("iss"), str):
        found = document["iss"]
    return found


def assess(
    report: VerificationReport,
    secured: Secured | None,
    trusted_issuers: TrustList | None,
    registries: tuple[IssuerRegistry, ...],
) -> None:
    """Set ``report.trust`` for a credential's report (not a presentation's own), and warn
    ``trust.name`` when the issuer profile's name differs from the confirmed one.

    Never changes a check: the outcome is decided before and without this step.
    """
    if report.kind == "presentation":
        return
    issuer = _issuer_of(report)
    if secured is not None and secured.seal_trust is not None:
        answer = _eu_answer(report, secured, issuer, trusted_issuers, registries)
    else:
        answer = _answer(report, secured, issuer, trusted_issuers, registries)
    report.trust = answer
    if not answer.confirmed or answer.name is None or answer.source is None:
        return
    names = profile_names(report.document)
    if names and _comparable(answer.name) not in {_comparable(n) for n in names}:
        if answer.by == "domain":
            message = (
                f"the issuer calls itself {names[0][:120]!r}; only its domain "
                f"{answer.name[:120]} is confirmed (by its own DID or controller document), "
                "not that name"
            )
        else:
            message = (
                f"the issuer calls itself {names[0][:120]!r}; {answer.source[:120]!r} "
                f"({answer.by}) names it {answer.name[:120]!r}"
            )
        report.warn("trust.name", message, "$.issuer.name")


def _eu_answer(
    report: VerificationReport,
    secured: Secured,
    issuer: str | None,
    trusted_issuers: TrustList | None,
    registries: tuple[IssuerRegistry, ...],
) -> TrustAnswer:
    """The answer for a seal checked against EU trusted lists (``secured.seal_trust``)."""
    trust = secured.seal_trust
    seal = report.seal
    assert trust is not None
    if report.verified and trust.qualified and seal is not None and secured.signatures:
        name = seal.organisation or seal.holder
        return TrustAnswer(
            "confirmed", "eu-trusted-list", name, trust.list_label, country=seal.country
        )
    other = _answer(report, replace(secured, seal_trust=None), issuer, trusted_issuers, registries)
    if other.confirmed:
        return other
    if trust.qualified:
        return other  # qualified per the list, but the credential did not verify
    return TrustAnswer("unconfirmed", reason=f"{trust.reason} (EU trusted lists)")


def _answer(
    report: VerificationReport,
    secured: Secured | None,
    issuer: str | None,
    trusted_issuers: TrustList | None,
    registries: tuple[IssuerRegistry, ...],
) -> TrustAnswer:
    if not report.verified or secured is None or not secured.signatures:
        return TrustAnswer("unconfirmed", reason=NOT_VERIFIED)
    issuer_check = report.check("issuer")
    bound = issuer_check is not None and issuer_check.status == "passed"
    if issuer is not None and bound:
        if trusted_issuers is not None:
            name = trusted_issuers.lookup(issuer)
            if name is not None:
                return TrustAnswer("confirmed", "list", name, trusted_issuers.name)
        for registry in registries:
            name = registry.lookup(issuer)
            if name is not None:
                return TrustAnswer("confirmed", "registry", name, registry.name)
    for signature in secured.signatures:
        if signature.anchor is not None and bound:
            return TrustAnswer(
                "confirmed",
                "trusted-list",
                signature.certified_name or signature.anchor,
                signature.anchor,
            )
    if issuer is None:
        return TrustAnswer("unconfirmed", reason="the credential names no issuer")
    if not bound:
        return TrustAnswer(
            "unconfirmed", reason="the issuer does not control the key that signed it"
        )
    domain = domain_of(issuer)
    if domain is not None:
        return TrustAnswer("confirmed", "domain", domain, domain)
    if issuer.startswith(("did:key:", "did:jwk:")):
        return TrustAnswer("unconfirmed", reason=SELF_ASSERTED)
    return TrustAnswer(
        "unconfirmed",
        reason="the issuer is on none of the caller's trust lists or registries and its "
        "identifier names no domain",
    )
