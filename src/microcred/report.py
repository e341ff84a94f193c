"""Verification reports: what was checked, and with what result.

A :class:`VerificationReport` is a list of named :class:`Check` results in the order they ran
(see ``docs/verification.md`` for every check id). Its :attr:`~VerificationReport.outcome`:

* ``"verified"``: every check passed or was legitimately skipped;
* ``"invalid"``: at least one check ran and failed (the credential is wrong);
* ``"indeterminate"``: nothing failed, but at least one check could not be carried out
  (unknown context, unresolvable key, status list unreachable).

Only ``"verified"`` makes :attr:`~VerificationReport.verified` true.

Besides the checks, a report carries :attr:`~VerificationReport.warnings`: things a reader would
assume were checked but were not (a status the caller chose not to check, a schema not known
offline, a presentation bound to no challenge). They do not change the outcome; the CLI, the
service and the verifier page show them beside it, and never say "every check passed" while
there is one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import MicrocredError, VerificationError

__all__ = [
    "Check",
    "CheckStatus",
    "JadesLevel",
    "Outcome",
    "SealInfo",
    "TrustAnswer",
    "VerificationError",
    "VerificationReport",
]

CheckStatus = Literal["passed", "failed", "skipped", "error"]
Outcome = Literal["verified", "invalid", "indeterminate"]
#: The JAdES baseline level a verification established (ETSI TS 119 182-1 §6): ``B-B`` (the
#: signature and its signing certificate), ``B-T`` (and a signature time-stamp that verified),
#: ``B-LT`` (and the validation data in ``xVals``/``rVals`` the chain was checked with),
#: ``B-LTA`` (and an archive time-stamp that verified).
JadesLevel = Literal["B-B", "B-T", "B-LT", "B-LTA"]


@dataclass(frozen=True)
class Check:
    """One check and its result.

    Attributes:
        id: stable dotted identifier (``"proof.signature"``, ``"validity.valid_until"``).
        status: ``passed``, ``failed`` (checked and wrong), ``skipped`` (not applicable or
            not requested), or ``error`` (could not be carried out: makes the outcome
            indeterminate).
        message: one human-readable sentence.
        path: JSON path of what was checked (``$.proof[0]``), when it applies.
    """

    id: str
    status: CheckStatus
    message: str
    path: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The check as a JSON object (``path`` only when set)."""
        data: dict[str, Any] = {"id": self.id, "status": self.status, "message": self.message}
        if self.path is not None:
            data["path"] = self.path
        return data


@dataclass(frozen=True)
class TrustAnswer:
    """Who issued the credential, as far as the caller's sources confirm it: a separate
    answer beside the outcome, never part of it (``docs/verification.md``, "Verified, and
    who issued it").

    Attributes:
        issuer: ``confirmed`` (a source the caller relies on names the issuer) or
            ``unconfirmed`` (none does; always so for a credential that did not verify).
        by: the source that confirmed it: ``domain`` (a ``did:web``/``https:`` issuer whose
            key its own DID or controller document lists), ``list`` (the caller's trust
            list), ``registry`` (an issuer registry), ``trusted-list`` (an ``x5c`` chain to
            the caller's trust anchors) or ``eu-trusted-list`` (a JAdES seal whose
            certificate an EU trusted list makes a qualified seal at the signing time);
            ``None`` when unconfirmed.
        name: the confirmed name (``None`` when unconfirmed).
        source: the domain, the trust list's name, the registry's name, or the trust
            anchor's subject (``None`` when unconfirmed).
        reason: for ``unconfirmed``, why, in one plain English sentence.
        country: for ``eu-trusted-list``, the seal holder's country (its certificate's).
    """

    issuer: Literal["confirmed", "unconfirmed"]
    by: str | None = None
    name: str | None = None
    source: str | None = None
    reason: str | None = None
    country: str | None = None

    @property
    def confirmed(self) -> bool:
        """Whether the issuer is confirmed."""
        return self.issuer == "confirmed"

    def summary(self) -> str:
        """The answer as one line, as the CLI prints it: ``issuer confirmed by <by>: <name>
        (<source>)``, or ``issuer name not confirmed: <reason>``."""
        if self.confirmed and self.by == "eu-trusted-list":
            holder = f"{self.name}, {self.country}" if self.country else f"{self.name}"
            return f"sealed by {holder} with a qualified seal per the {self.source}"
        if self.confirmed:
            return f"issuer confirmed by {self.by}: {self.name} ({self.source})"
        return f"issuer name not confirmed: {self.reason or 'nothing confirms who issued it'}"

    def to_json(self) -> dict[str, Any]:
        """``{"issuer", "by", "name", "source"}`` (``null`` where not set), and ``reason``
        when set."""
        data: dict[str, Any] = {
            "issuer": self.issuer,
            "by": self.by,
            "name": self.name,
            "source": self.source,
        }
        if self.reason is not None:
            data["reason"] = self.reason
        if self.country is not None:
            data["country"] = self.country
        return data


@dataclass(frozen=True)
class SealInfo:
    """Who sealed a JAdES-sealed credential (a European Digital Credential), as its signing
    certificate says: read from the certificate, so it is the certificate's word, and it is
    confirmed only as far as :attr:`VerificationReport.trust` says.

    Attributes:
        holder: the seal's holder as the certificate names it (its organizationName, else
            its commonName).
        organisation: the certificate subject's organizationName (``None``: none).
        country: the certificate subject's countryName (ISO 3166 alpha-2), if any.
        qualified: ``True`` when the certificate declares itself an EU qualified certificate
            (QCStatement ``QcCompliance``), ``False`` when it has QCStatements without it or
            none, ``None`` when they could not be read.
        qc_types: the ``QcType`` statements, as ``"eseal"``, ``"esign"``, ``"web"``.
        qscd: ``True`` when the certificate declares its key in a qualified signature/seal
            creation device (``QcSSCD``), ``None`` when unknown.
        certificate_subject: the certificate's subject (RFC 4514, at most 200 characters).
        certificate_serial: its serial number (hexadecimal).
        signing_time: the time the signature claims (``sigT``, ISO 8601), or ``None``.
        timestamp_time: the time the signature time-stamp (``sigTst``) proves, ISO 8601,
            when one verified.
    """

    holder: str
    organisation: str | None
    country: str | None
    qualified: bool | None
    qc_types: tuple[str, ...]
    qscd: bool | None
    certificate_subject: str
    certificate_serial: str
    signing_time: str | None
    timestamp_time: str | None = None

    def summary(self) -> str:
        """The seal in one line, as the certificate declares it: ``sealed by <holder>
        (<country>), qualified certificate (QcCompliance), QSCD``; ``not a qualified
        certificate`` without QcCompliance. Whether an EU trusted list confirms it is the
        trust answer's."""
        where = f" ({self.country})" if self.country else ""
        if self.qualified is None:
            kind = "qualified status not readable"
        elif self.qualified:
            kind = "qualified certificate (QcCompliance)"
        else:
            kind = "not a qualified certificate"
        device = ", QSCD" if self.qscd else ""
        return f"sealed by {self.holder}{where}, {kind}{device}"

    def to_json(self) -> dict[str, Any]:
        """Every attribute as a JSON member (``qc_types`` as an array)."""
        return {
            "holder": self.holder,
            "organisation": self.organisation,
            "country": self.country,
            "qualified": self.qualified,
            "qc_types": list(self.qc_types),
            "qscd": self.qscd,
            "certificate_subject": self.certificate_subject,
            "certificate_serial": self.certificate_serial,
            "signing_time": self.signing_time,
            "timestamp_time": self.timestamp_time,
        }


def status_of(exc: MicrocredError) -> CheckStatus:
    """The check status an error means: ``error`` (could not be checked) when its class is
    :attr:`~microcred.errors.MicrocredError.indeterminate`, else ``failed``."""
    return "error" if exc.indeterminate else "failed"


@dataclass
class VerificationReport:
    """The result of verifying one credential or presentation.

    Attributes:
        checks: every check in the order it ran.
        format: ``"data-integrity"``, ``"jwt"``, ``"vc+jwt"``, ``"sd-jwt-vc"`` (SD-JWT VC,
            ``typ`` ``dc+sd-jwt``), ``"vc+sd-jwt"`` (a VC 2.0 credential secured with SD-JWT),
            ``"sd-jwt"`` (an SD-JWT that is neither), ``"jades"`` (a JAdES signature in the
            JWS JSON serialization, as European Digital Credentials are sealed), or
            ``"unknown"``.
        kind: ``"credential"``, ``"presentation"`` or ``"unknown"``.
        document: the credential as verified (for a JWT, the credential it carries), if parsed.
            Read it only when :attr:`verified` is true: then every member a reader finds by
            name is one the signature covers (the strict reading rule).
        credentials: reports of the credentials inside a presentation (or CLR), in order.
        warnings: what was not checked although a reader would assume it was (``id`` names
            the check concerned); they do not change the outcome.
        disclosed: for an SD-JWT (``format`` ``sd-jwt-vc`` or ``vc+sd-jwt``), the RFC 6901
            pointers into :attr:`document` of every claim the presentation disclosed (object
            members and array elements, in document order); ``None`` for other formats.
        hidden_count: for an SD-JWT, how many digests no disclosure matched: claims the
            holder withheld and the issuer's decoys (a verifier cannot tell them apart);
            ``None`` for other formats.
        trust: who issued the credential as the caller's sources confirm it
            (:class:`TrustAnswer`); set for every credential report, ``None`` for a
            presentation's own report (its credentials carry theirs).
        jades_level: for a JAdES-sealed document (``format`` ``"jades"``), the baseline level
            the checks established (:data:`JadesLevel`), ``None`` when not even B-B was (or
            for other formats).
        seal: for a JAdES-sealed document, who sealed it per its signing certificate
            (:class:`SealInfo`), once the certificate could be read; ``None`` otherwise.
    """

    checks: list[Check] = field(default_factory=list)
    format: str = "unknown"
    kind: str = "unknown"
    document: dict[str, Any] | None = None
    credentials: list[VerificationReport] = field(default_factory=list)
    warnings: list[Check] = field(default_factory=list)
    disclosed: list[str] | None = None
    hidden_count: int | None = None
    trust: TrustAnswer | None = None
    jades_level: JadesLevel | None = None
    seal: SealInfo | None = None

    @property
    def issuer_name(self) -> str | None:
        """The issuer's name to display: the confirmed name when :attr:`trust` confirms the
        issuer, else the name the issuer's profile gives itself (self-asserted; the first
        value of a language map), else ``None``."""
        if self.trust is not None and self.trust.confirmed and self.trust.name:
            return self.trust.name
        names = profile_names(self.document)
        return names[0] if names else None

    def add(
        self, check_id: str, status: CheckStatus, message: str, path: str | None = None
    ) -> Check:
        """Append a check and return it."""
        check = Check(check_id, status, message, path)
        self.checks.append(check)
        return check

    def add_error(
        self,
        check_id: str,
        exc: MicrocredError,
        message: str | None = None,
        path: str | None = None,
    ) -> Check:
        """Append the check an error decides: ``error`` or ``failed`` by the error's class
        (:func:`status_of`), with ``message`` (default: the error's own) and ``path``
        (default: the error's)."""
        text = message if message is not None else exc.message
        return self.add(check_id, status_of(exc), text, path if path is not None else exc.path)

    def extend(self, checks: Iterable[Check]) -> None:
        """Append several checks."""
        self.checks.extend(checks)

    def warn(self, check_id: str, message: str, path: str | None = None) -> Check:
        """Record that ``check_id`` was not carried out although a reader would assume it
        was; returns the warning (a :class:`Check` with status ``skipped``)."""
        warning = Check(check_id, "skipped", message, path)
        self.warnings.append(warning)
        return warning

    @property
    def all_warnings(self) -> list[Check]:
        """The warnings of this report and of the reports of the credentials inside it."""
        found = list(self.warnings)
        for inner in self.credentials:
            found += inner.all_warnings
        return found

    @property
    def outcome(self) -> Outcome:
        """``verified``, ``invalid`` or ``indeterminate`` (see the module docs)."""
        statuses = {c.status for c in self._all_checks()}
        if "failed" in statuses:
            return "invalid"
        if "error" in statuses or "passed" not in statuses:
            return "indeterminate"
        return "verified"

    @property
    def verified(self) -> bool:
        """True only when every required check passed."""
        return self.outcome == "verified"

    @property
    def failed(self) -> list[Check]:
        """The checks that failed or could not be carried out."""
        return [c for c in self._all_checks() if c.status in ("failed", "error")]

    def _all_checks(self) -> Iterator[Check]:
        yield from self.checks
        for inner in self.credentials:
            yield from inner._all_checks()

    def check(self, check_id: str) -> Check | None:
        """The first check with ``check_id``, if any ran."""
        return next((c for c in self.checks if c.id == check_id), None)

    def to_json(self) -> dict[str, Any]:
        """The report as the JSON object the CLI prints (``input`` is added by the CLI)."""
        data: dict[str, Any] = {
            "verified": self.verified,
            "outcome": self.outcome,
            "format": self.format,
            "kind": self.kind,
            "checks": [c.to_json() for c in self.checks],
            "warnings": [
                {k: v for k, v in w.to_json().items() if k != "status"} for w in self.warnings
            ],
        }
        if self.disclosed is not None:
            data["disclosed"] = list(self.disclosed)
            data["hidden_count"] = self.hidden_count
        if self.trust is not None:
            data["trust"] = self.trust.to_json()
        if self.format == "jades":
            data["jades_level"] = self.jades_level
            data["seal"] = self.seal.to_json() if self.seal is not None else None
        if self.credentials:
            data["credentials"] = [inner.to_json() for inner in self.credentials]
        return data

    def __str__(self) -> str:
        return json.dumps(self.to_json(), indent=2)

    def raise_for_problems(self) -> None:
        """Raise :class:`VerificationError` unless the report is verified."""
        if not self.verified:
            raise VerificationError(self)


#: How many names of an issuer profile's ``name`` are read (a language map may be large).
_MAX_NAMES = 64


def profile_names(document: Any) -> list[str]:
    """The names an issuer profile (``document["issuer"]``) gives itself: ``name`` as a
    string, a language map (``{"en": ..., "sv": ...}``), a JSON-LD value object
    (``{"@value": ..., "@language": ...}``) or an array of these; the first at most 64,
    stripped, empty ones left out."""
    issuer = document.get("issuer") if isinstance(document, dict) else None
    value = issuer.get("name") if isinstance(issuer, dict) else None
    found: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:_MAX_NAMES]:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict) and "@value" in item:
            if isinstance(item["@value"], str):
                found.append(item["@value"])
        elif isinstance(item, dict):
            found += [v for v in list(item.values())[:_MAX_NAMES] if isinstance(v, str)]
    return [n.strip() for n in found[:_MAX_NAMES] if n.strip()]
