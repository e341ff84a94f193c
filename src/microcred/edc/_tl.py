"""EU trusted lists (ETSI TS 119 612): the List of Trusted Lists and the national lists,
read from files, their XAdES signature checked, their services used as trust anchors.

Offline first: a list is read from a file (or bytes) the caller has; fetching the national
lists a List of Trusted Lists points to happens only through a fetcher the caller gives
(:func:`fetch_trusted_lists`), and is bounded in count and size.

A list is used only when its own signature verifies (XMLDSig/XAdES, with ``signxml``)
with a certificate the caller pins: the List of Trusted Lists' signing certificates (the
ones the Official Journal of the EU publishes) given as ``signing_certificates``, and a
national list's from the List of Trusted Lists' pointer for its territory (``lotl=``).
Only what the signature covers is read (the element ``signxml`` returns as signed, never
the document around it: no signature wrapping).

A seal is *anchored* when its certificate chain leads to the certificate of a CA/QC
service (``http://uri.etsi.org/TrstSvc/Svctype/CA/QC``) of a loaded national list, and
*qualified per the EU trusted list* when that service's status at the signing time was
granted (or one of the pre-2016 statuses TS 119 612 clause 5.5.4 maps to it), the service
is for seals (``ForeSeals`` in its additional service information, when it names any of
the three uses) and the certificate is an EU qualified certificate for seals: QcCompliance
and QcType eSeal in its QCStatements (ETSI EN 319 412-5), or the service's qualifiers
(``QCStatement``, ``QCForESeal``) say so. Whether the key is on a QSCD comes from QcSSCD,
or the qualifiers ``QCWithQSCD`` / ``QCNoQSCD``.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import FetchError, NetworkPolicyError, TrustedListError

if TYPE_CHECKING:
    from cryptography import x509

    from ..net import Fetcher

__all__ = [
    "SealTrust",
    "TrustService",
    "TrustedList",
    "assess_seal",
    "fetch_trusted_lists",
    "load_trusted_list",
]

#: The largest trusted list read (bytes).
MAX_LIST_BYTES = 16 * 1024 * 1024
#: The most services (with their history instances) and pointers one list may hold.
MAX_SERVICES = 20_000
MAX_POINTERS = 200
#: The most national lists :func:`fetch_trusted_lists` fetches.
MAX_FETCHED_LISTS = 40

TSL = "http://uri.etsi.org/02231/v2#"
_TSLX = "http://uri.etsi.org/02231/v2/additionaltypes#"
_ECC = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"
_XML = "http://www.w3.org/XML/1998/namespace"
_DS = "http://www.w3.org/2000/09/xmldsig#"

LOTL_TYPE = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists"
CA_QC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
_STATUS = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
_SVCINFO = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
#: The statuses under which a CA/QC service's certificates are qualified (TS 119 612
#: clause 5.5.4: granted, and the statuses of lists before 1 July 2016 that map to it).
QUALIFIED_STATUSES = frozenset(
    {"granted", "undersupervision", "supervisionincessation", "accredited"}
)
_USES = ("ForeSignatures", "ForeSeals", "ForWebSiteAuthentication")
_XML_MIME = "application/vnd.etsi.tsl+xml"


@dataclass(frozen=True)
class TrustService:
    """One trust service of a national list, with its status history.

    Attributes:
        provider: the trust service provider's name.
        name: the service's name.
        type: its service type URI (``.../Svctype/CA/QC`` for a CA issuing qualified
            certificates).
        certificates: the service's certificates (DER), its digital identity.
        statuses: ``(since, status)`` from the oldest history instance to the current
            status; ``status`` is the last segment of the status URI (``granted``,
            ``withdrawn``, ...).
        uses: the additional service information it names (``ForeSeals``, ...).
        qualifiers: ``(qualifier, policy OIDs it is limited to, assert)`` from the
            Qualifications extension (``QCForESeal``, ``QCWithQSCD``, ...).
    """

    provider: str
    name: str
    type: str
    certificates: tuple[bytes, ...]
    statuses: tuple[tuple[datetime, str], ...]
    uses: tuple[str, ...] = ()
    qualifiers: tuple[tuple[str, tuple[str, ...], str], ...] = field(default=())

    def status_at(self, when: datetime) -> str | None:
        """The service's status at ``when`` (``None``: before its first status)."""
        found = None
        for since, status in self.statuses:
            if since <= when:
                found = status
        return found


@dataclass(frozen=True)
class TslPointer:
    """A List of Trusted Lists' pointer to a national list.

    Attributes:
        territory: the list's scheme territory (``SE``).
        location: where the list is published.
        mime_type: the published form (``application/vnd.etsi.tsl+xml`` for XML).
        certificates: the certificates (DER) the national list may be signed with.
    """

    territory: str
    location: str
    mime_type: str | None
    certificates: tuple[bytes, ...]


@dataclass(frozen=True)
class TrustedList:
    """A trusted list whose signature verified with a pinned certificate.

    Attributes:
        territory: the scheme territory (``EU`` for the List of Trusted Lists).
        operator: the scheme operator's name.
        type: the TSL type URI.
        sequence: the list's sequence number.
        issued: its issue date-time; next_update: when the next is due (``None``: closed).
        services: its trust services (empty for the List of Trusted Lists).
        pointers: its pointers to other lists (the List of Trusted Lists').
        signer: the pinned certificate (DER) the signature verified with.
    """

    territory: str
    operator: str
    type: str
    sequence: int
    issued: datetime | None
    next_update: datetime | None
    services: tuple[TrustService, ...] = field(default=(), hash=False)
    pointers: tuple[TslPointer, ...] = field(default=(), hash=False)
    signer: bytes = field(default=b"", hash=False)

    @property
    def is_lotl(self) -> bool:
        """Whether this is the EU List of Trusted Lists."""
        return self.type == LOTL_TYPE

    @property
    def label(self) -> str:
        """How the trust answer names the list: ``EU trusted list SE (sequence 42)``."""
        kind = "EU List of Trusted Lists" if self.is_lotl else "EU trusted list"
        return f"{kind} {self.territory} (sequence {self.sequence})"

    def signing_certificates(self, territory: str) -> tuple[bytes, ...]:
        """The certificates this List of Trusted Lists' pointers give for the national
        list of ``territory`` (all its pointers, XML and PDF alike)."""
        found: list[bytes] = []
        for pointer in self.pointers:
            if pointer.territory.upper() == territory.upper():
                found.extend(pointer.certificates)
        return tuple(found)

    def anchors_at(self, when: datetime) -> tuple[bytes, ...]:
        """The CA/QC service certificates (DER) whose status at ``when`` was a qualified
        one: the trust anchors this list gives for a seal made then."""
        found: list[bytes] = []
        for service in self.services:
            if service.type == CA_QC and service.status_at(when) in QUALIFIED_STATUSES:
                found.extend(service.certificates)
        return tuple(found)


# ---------------------------------------------------------------------------------------
# reading


def _read_source(source: Any) -> tuple[bytes, str]:
    """The bytes of a list and how to name it in errors."""
    if isinstance(source, (bytes, bytearray)):
        data, label = bytes(source), "the trusted list"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        label = f"trusted list {path.name}"
        try:
            if path.stat().st_size > MAX_LIST_BYTES:
                raise TrustedListError(f"{label}: more than {MAX_LIST_BYTES} bytes")
            with path.open("rb") as handle:
                data = handle.read(MAX_LIST_BYTES + 1)
        except OSError as exc:
            raise TrustedListError(f"{label} cannot be read: {exc.strerror or exc}") from None
    else:
        raise TypeError(f"a trusted list is a path or XML bytes, not {type(source).__name__}")
    if len(data) > MAX_LIST_BYTES:
        raise TrustedListError(f"{label}: more than {MAX_LIST_BYTES} bytes")
    return data, label


def _parse(data: bytes, label: str) -> Any:
    """The XML root, parsed without DTDs, entities or network."""
    from lxml import etree

    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise TrustedListError(f"{label}: a document type declaration is not accepted")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TrustedListError(f"{label} is not XML: {exc}") from None
    if root.tag != f"{{{TSL}}}TrustServiceStatusList":
        raise TrustedListError(
            f"{label} is not an ETSI TS 119 612 trusted list (root {str(root.tag)[:80]})"
        )
    return root


def _certificates(pinned: Any) -> list[bytes]:
    """DER certificates from certificates, DER, PEM (one or several) or a sequence."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from ..errors import SealError
    from ._seal import _load_certificates

    if pinned is None:
        return []
    try:
        return [bytes(c.public_bytes(Encoding.DER)) for c in _load_certificates(pinned)]
    except SealError as exc:
        raise TrustedListError(f"a pinned certificate cannot be read: {exc.message}") from None
    except TypeError:
        raise TypeError("signing_certificates: certificates, DER or PEM") from None


def _verified_root(
    data: bytes, unverified: Any, pinned: Sequence[bytes], label: str
) -> tuple[Any, bytes]:
    """The signed TrustServiceStatusList element and the pinned certificate that verified
    its XAdES signature (the list's own ``ds:Signature``, a child of its root, with the
    references its ``SignedInfo`` has: the list and the signed properties, and with some
    signers the key info)."""
    from cryptography import x509
    from signxml.exceptions import InvalidInput, InvalidSignature
    from signxml.xades.xades import XAdESSignatureConfiguration, XAdESVerifier

    references = len(
        unverified.findall(f"{{{_DS}}}Signature/{{{_DS}}}SignedInfo/{{{_DS}}}Reference")
    )
    expect = XAdESSignatureConfiguration(
        location="./", expect_references=max(2, min(references, 3))
    )
    failure = "no pinned certificate"
    for der in pinned:
        certificate = x509.load_der_x509_certificate(der)
        try:
            results = XAdESVerifier().verify(data, x509_cert=certificate, expect_config=expect)
        except (InvalidSignature, InvalidInput, ValueError, TypeError) as exc:
            failure = str(exc)[:200]
            continue
        for result in results:
            signed = result.signed_xml
            if signed is not None and signed.tag == f"{{{TSL}}}TrustServiceStatusList":
                return signed, der
        failure = "the signature does not cover the whole list"
    raise TrustedListError(
        f"{label}: its signature does not verify with the {len(pinned)} pinned "
        f"certificate(s): {failure}"
    )


def load_trusted_list(
    source: Any,
    *,
    signing_certificates: Any = None,
    lotl: TrustedList | None = None,
) -> TrustedList:
    """Read an EU trusted list (ETSI TS 119 612 XML) and check its XAdES signature.

    Args:
        source: a file path, or the XML as bytes.
        signing_certificates: the certificates the list may be signed with (certificates,
            DER, PEM with several, or a sequence of them): for the List of Trusted Lists,
            the certificates the Official Journal of the EU publishes.
        lotl: a loaded List of Trusted Lists: a national list may then be signed with the
            certificates its pointer for the list's territory gives.

    Returns:
        The list, as its signature covers it.

    Raises:
        TrustedListError: the file cannot be read, is over 16 MiB, is not XML of a
            trusted list, has a document type declaration, names no certificate to check
            it with, or its signature does not verify with any pinned certificate.
        TypeError: ``source`` is neither a path nor bytes.
    """
    data, label = _read_source(source)
    unverified = _parse(data, label)
    pinned = _certificates(signing_certificates)
    territory = _text(unverified, "SchemeInformation/SchemeTerritory")
    if lotl is not None and territory:
        pinned.extend(lotl.signing_certificates(territory))
    if not pinned:
        raise TrustedListError(
            f"{label}: no certificate to check its signature with (give the List of Trusted "
            "Lists' signing certificates, or the List of Trusted Lists that points to it)"
        )
    root, signer = _verified_root(data, unverified, pinned, label)
    parsed = _trusted_list(root, signer, label)
    if territory and parsed.territory != territory:
        raise TrustedListError(f"{label}: its signed territory is not the one it shows")
    return parsed


# ---------------------------------------------------------------------------------------
# the list's content


def _find(element: Any, path: str) -> Any:
    return element.find("/".join(f"{{{TSL}}}{part}" for part in path.split("/")))


def _findall(element: Any, path: str) -> list[Any]:
    return list(element.iterfind("/".join(f"{{{TSL}}}{part}" for part in path.split("/"))))


def _text(element: Any, path: str) -> str:
    found = _find(element, path)
    return (found.text or "").strip() if found is not None else ""


def _name(element: Any, path: str) -> str:
    """The English name of a multilingual name list, else its first name."""
    names = _findall(element, path + "/Name")
    for candidate in names:
        if candidate.get(f"{{{_XML}}}lang") == "en":
            return (candidate.text or "").strip()
    return (names[0].text or "").strip() if names else ""


def _when(text: str, label: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TrustedListError(f"{label}: {text[:40]!r} is not a date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _digital_ids(element: Any, label: str) -> tuple[bytes, ...]:
    found = []
    for cert in element.iterfind(f".//{{{TSL}}}DigitalId/{{{TSL}}}X509Certificate"):
        try:
            found.append(base64.b64decode("".join((cert.text or "").split()), validate=True))
        except ValueError:
            raise TrustedListError(f"{label}: a service certificate is not base64") from None
    return tuple(found)


def _qualifiers(information: Any) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    found = []
    for element in information.iterfind(f".//{{{_ECC}}}QualificationElement"):
        criteria = element.find(f"{{{_ECC}}}CriteriaList")
        policies: tuple[str, ...] = ()
        mode = "none"
        if criteria is not None:
            mode = criteria.get("assert", "atLeastOne")
            policies = tuple(
                (oid.text or "").strip().removeprefix("urn:oid:")
                for oid in criteria.iterfind(f".//{{{_ECC}}}PolicySet//{{*}}Identifier")
            )
            if len(criteria) != len(criteria.findall(f"{{{_ECC}}}PolicySet")):
                mode = "unsupported"  # key usage or other criteria: not applied
        for qualifier in element.iterfind(f".//{{{_ECC}}}Qualifier"):
            uri = qualifier.get("uri", "")
            found.append((uri.removeprefix(_SVCINFO), policies, mode))
    return tuple(found)


def _uses(information: Any) -> tuple[str, ...]:
    found = []
    for uri in information.iterfind(f".//{{{TSL}}}AdditionalServiceInformation/{{{TSL}}}URI"):
        value = (uri.text or "").strip().removeprefix(_SVCINFO)
        if value in _USES:
            found.append(value)
    return tuple(found)


def _service(element: Any, provider: str, label: str) -> TrustService:
    information = _find(element, "ServiceInformation")
    if information is None:
        raise TrustedListError(f"{label}: a service without ServiceInformation")
    statuses: list[tuple[datetime, str]] = []
    for instance in [*_findall(element, "ServiceHistory/ServiceHistoryInstance"), information]:
        since = _when(_text(instance, "StatusStartingTime"), label)
        status = _text(instance, "ServiceStatus").removeprefix(_STATUS)
        if since is None or not status:
            raise TrustedListError(f"{label}: a service status without its starting time")
        statuses.append((since, status))
    statuses.sort(key=lambda item: item[0])
    return TrustService(
        provider=provider,
        name=_name(information, "ServiceName"),
        type=_text(information, "ServiceTypeIdentifier"),
        certificates=_digital_ids(_find(information, "ServiceDigitalIdentity"), label)
        if _find(information, "ServiceDigitalIdentity") is not None
        else (),
        statuses=tuple(statuses),
        uses=_uses(information),
        qualifiers=_qualifiers(information),
    )


def _pointer(element: Any, label: str) -> TslPointer:
    territory = mime = ""
    for info in element.iterfind(f".//{{{TSL}}}OtherInformation"):
        for child in info:
            if child.tag == f"{{{TSL}}}SchemeTerritory":
                territory = (child.text or "").strip()
            elif child.tag == f"{{{_TSLX}}}MimeType":
                mime = (child.text or "").strip()
    return TslPointer(
        territory=territory,
        location=_text(element, "TSLLocation"),
        mime_type=mime or None,
        certificates=_digital_ids(element, label),
    )


def _trusted_list(root: Any, signer: bytes, label: str) -> TrustedList:
    scheme = _find(root, "SchemeInformation")
    if scheme is None:
        raise TrustedListError(f"{label}: no SchemeInformation")
    services = []
    for provider in _findall(root, "TrustServiceProviderList/TrustServiceProvider"):
        name = _name(provider, "TSPInformation/TSPName")
        for service in _findall(provider, "TSPServices/TSPService"):
            services.append(_service(service, name, label))
            if len(services) > MAX_SERVICES:
                raise TrustedListError(f"{label}: more than {MAX_SERVICES} services")
    pointers = _findall(scheme, "PointersToOtherTSL/OtherTSLPointer")
    if len(pointers) > MAX_POINTERS:
        raise TrustedListError(f"{label}: more than {MAX_POINTERS} pointers")
    sequence = _text(scheme, "TSLSequenceNumber")
    return TrustedList(
        territory=_text(scheme, "SchemeTerritory"),
        operator=_name(scheme, "SchemeOperatorName"),
        type=_text(scheme, "TSLType"),
        sequence=int(sequence) if sequence.isdigit() else 0,
        issued=_when(_text(scheme, "ListIssueDateTime"), label),
        next_update=_when(_text(scheme, "NextUpdate/dateTime"), label),
        services=tuple(services),
        pointers=tuple(_pointer(p, label) for p in pointers),
        signer=signer,
    )


# ---------------------------------------------------------------------------------------
# fetching (opt-in)


def fetch_trusted_lists(
    lotl: TrustedList,
    fetcher: Fetcher,
    *,
    territories: Iterable[str],
    max_bytes: int = MAX_LIST_BYTES,
) -> list[TrustedList]:
    """Fetch and load the national lists of ``territories`` the List of Trusted Lists
    points to (XML pointers only), each checked against the pointer's certificates.

    Args:
        lotl: a loaded List of Trusted Lists.
        fetcher: the caller's network client (e.g. :class:`~microcred.net.HttpsFetcher`);
            nothing is fetched without one.
        territories: the territories wanted (``["SE", "FI"]``), at most 40.
        max_bytes: the largest list fetched.

    Returns:
        The loaded national lists, in the order of ``territories``.

    Raises:
        TrustedListError: a territory has no XML pointer, a fetch failed, or a fetched
            list does not load (see :func:`load_trusted_list`).
        NetworkPolicyError: the fetcher does not allow a pointer's URL.
    """
    wanted = [t.upper() for t in territories]
    if len(wanted) > MAX_FETCHED_LISTS:
        raise TrustedListError(f"at most {MAX_FETCHED_LISTS} national lists are fetched")
    found = []
    for territory in wanted:
        pointer = next(
            (
                p
                for p in lotl.pointers
                if p.territory.upper() == territory and p.mime_type in (None, _XML_MIME)
            ),
            None,
        )
        if pointer is None:
            raise TrustedListError(f"the List of Trusted Lists has no XML list for {territory}")
        try:
            data = fetcher.fetch(pointer.location, accept=_XML_MIME, max_bytes=max_bytes)
        except FetchError as exc:
            raise TrustedListError(
                f"the trusted list of {territory} cannot be fetched: {exc.message}"
            ) from None
        except NetworkPolicyError:
            raise
        found.append(load_trusted_list(data, lotl=lotl))
    return found


# ---------------------------------------------------------------------------------------
# a seal against the lists


@dataclass(frozen=True)
class SealTrust:
    """What the trusted lists say of a seal certificate at the signing time.

    Attributes:
        outcome: ``qualified`` (anchored in a granted CA/QC service, and a qualified
            certificate for seals), ``anchored`` (anchored in a granted service, but not a
            qualified seal certificate), ``withdrawn`` (anchored only in services whose
            status at the signing time was not a qualified one) or ``not-anchored``.
        service: the service the chain leads to (``None`` for ``not-anchored``).
        list_label: the list that holds it.
        status: the service's status at the signing time.
        qscd: whether the key is on a QSCD (certificate or qualifiers; ``None``: unsaid).
        qc_types: the certificate's QcType values (``eseal``, ``esign``, ``web``).
        reason: one plain sentence, for an outcome other than ``qualified``.
    """

    outcome: str
    service: TrustService | None = None
    list_label: str | None = None
    status: str | None = None
    qscd: bool | None = None
    qc_types: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def qualified(self) -> bool:
        """Whether the seal is qualified per the EU trusted list."""
        return self.outcome == "qualified"


def qc_statements(certificate: x509.Certificate) -> tuple[bool, tuple[str, ...], bool]:
    """``(QcCompliance, QcType names, QcSSCD)`` from a certificate's QCStatements (ETSI EN
    319 412-5, read by :func:`~microcred.edc._x509.qc_info`); all false/empty without the
    extension or when it is malformed."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from ..errors import CertificateError
    from ._x509 import qc_info

    try:
        info = qc_info(asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER)))
    except (CertificateError, ValueError):
        return False, (), False
    return info.compliance, info.types, info.qscd


def _policies(certificate: x509.Certificate) -> set[str]:
    from cryptography import x509

    try:
        policies = certificate.extensions.get_extension_for_class(x509.CertificatePolicies)
    except (x509.ExtensionNotFound, ValueError):
        return set()
    return {p.policy_identifier.dotted_string for p in policies.value}


def _applies(qualifier: tuple[str, tuple[str, ...], str], policies: set[str]) -> str | None:
    """The qualifier's name when its criteria select the certificate."""
    name, wanted, mode = qualifier
    if mode == "unsupported":
        return None
    if mode == "all" and not set(wanted) <= policies:
        return None
    if mode == "atLeastOne" and wanted and not set(wanted) & policies:
        return None
    if mode == "none" and set(wanted) & policies:
        return None
    return name


def _is_issuer(service_der: bytes, chain: Sequence[x509.Certificate]) -> int | None:
    """The index of the first chain certificate that is the service's certificate or is
    issued by it, each certificate before it issued by the next; ``None``: none is."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        service = x509.load_der_x509_certificate(service_der)
    except ValueError:
        return None
    for index, certificate in enumerate(chain):
        if certificate.public_bytes(Encoding.DER) == service_der:
            return index
        try:
            certificate.verify_directly_issued_by(service)
            return index
        except (ValueError, TypeError, InvalidSignature):
            pass
        if index + 1 < len(chain):
            try:
                certificate.verify_directly_issued_by(chain[index + 1])
            except (ValueError, TypeError, InvalidSignature):
                return None
    return None


def _qualification(
    service: TrustService, leaf: x509.Certificate
) -> tuple[bool, tuple[str, ...], bool | None]:
    """(qualified for seals, QcType names, on a QSCD) of the leaf under ``service``."""
    compliance, types, sscd = qc_statements(leaf)
    policies = _policies(leaf)
    applied = {name for q in service.qualifiers if (name := _applies(q, policies))}
    if "NotQualified" in applied:
        return False, types, None
    compliance = compliance or "QCStatement" in applied
    for_seals = "eseal" in types or "QCForESeal" in applied
    if applied & {"QCForESig", "QCForWSA"} and "QCForESeal" not in applied:
        for_seals = False
    used_for_seals = not service.uses or "ForeSeals" in service.uses
    qscd: bool | None = sscd or None
    if "QCWithQSCD" in applied:
        qscd = True
    elif "QCNoQSCD" in applied:
        qscd = False
    return compliance and for_seals and used_for_seals, types, qscd


def assess_seal(lists: Sequence[TrustedList], chain: Sequence[bytes], when: datetime) -> SealTrust:
    """What the national trusted lists say of a seal certificate chain at ``when``.

    Args:
        lists: loaded trusted lists (a List of Trusted Lists among them is skipped: it
            holds no services).
        chain: the seal certificate (DER) first, then the certificates of its issuers
            as the seal carries them (``x5c``).
        when: the signing time (the time-stamp's when the seal has one, else ``sigT``).

    Returns:
        A :class:`SealTrust`.
    """
    from cryptography import x509

    try:
        certificates = [x509.load_der_x509_certificate(der) for der in chain[:10]]
    except ValueError:
        return SealTrust("not-anchored", reason="the seal certificate cannot be read")
    if not certificates:
        return SealTrust("not-anchored", reason="the seal carries no certificate")
    withdrawn: SealTrust | None = None
    for trusted in lists:
        for service in trusted.services:
            if service.type != CA_QC:
                continue
            if not any(_is_issuer(der, certificates) is not None for der in service.certificates):
                continue
            status = service.status_at(when)
            if status not in QUALIFIED_STATUSES:
                withdrawn = withdrawn or SealTrust(
                    "withdrawn",
                    service,
                    trusted.label,
                    status,
                    reason=f"the trust service {service.name[:120]!r} of {trusted.label} was "
                    f"{status or 'not yet listed'} at the signing time "
                    f"{when:%Y-%m-%dT%H:%M:%SZ}",
                )
                continue
            qualified, types, qscd = _qualification(service, certificates[0])
            if qualified:
                return SealTrust("qualified", service, trusted.label, status, qscd, types)
            return SealTrust(
                "anchored",
                service,
                trusted.label,
                status,
                qscd,
                types,
                reason="the seal certificate is not an EU qualified certificate for seals "
                "(QcCompliance and QcType eSeal, or the trusted list's qualifiers)",
            )
    if withdrawn is not None:
        return withdrawn
    return SealTrust(
        "not-anchored",
        reason="the seal certificate is not anchored in a CA/QC service of the trusted lists given",
    )
