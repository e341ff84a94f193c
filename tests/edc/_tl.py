"""Test trusted lists (ETSI TS 119 612 XML), made and signed (XAdES, signxml) in the tests:
a List of Trusted Lists pointing to a national list, and national lists with CA/QC
services and their status history.

Import as ``from tests.edc._tl import Service, national_list, lotl, sign_list``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml import xades
from tests.edc._pki import key_pem

TSL = "http://uri.etsi.org/02231/v2#"
TSLX = "http://uri.etsi.org/02231/v2/additionaltypes#"
ECC = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"
STATUS = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
SVCINFO = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
CA_QC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
QTST = "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST"
GENERIC = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric"
LOTL_TYPE = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class Service:
    """A trust service of a test list.

    Attributes:
        certificate: its digital identity.
        statuses: ``(since, status)`` oldest first; the last is the current status, the
            others become ServiceHistory instances.
        type: the service type URI.
        uses: AdditionalServiceInformation (``ForeSeals``, ...).
        qualifiers: Qualifications qualifiers (``QCForESeal``, ``QCWithQSCD``, ...), for
            every certificate of the service (no criteria beyond an empty policy set).
    """

    certificate: x509.Certificate
    statuses: list[tuple[datetime, str]]
    name: str = "Test qualified seal CA"
    type: str = CA_QC
    uses: list[str] = field(default_factory=lambda: ["ForeSeals"])
    qualifiers: list[str] = field(default_factory=list)


def _sub(parent: Any, tag: str, text: str | None = None, ns: str = TSL, **attrs: str) -> Any:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", **attrs)
    if text is not None:
        element.text = text
    return element


def _names(parent: Any, tag: str, name: str) -> None:
    names = _sub(parent, tag)
    _sub(names, "Name", name, **{XML_LANG: "en"})


def _digital_identity(parent: Any, tag: str, certificate: x509.Certificate) -> None:
    identity = _sub(parent, tag)
    digital = _sub(identity, "DigitalId")
    der = certificate.public_bytes(Encoding.DER)
    _sub(digital, "X509Certificate", base64.b64encode(der).decode())


def _scheme(root: Any, territory: str, tsl_type: str, sequence: int, issued: datetime) -> Any:
    scheme = _sub(root, "SchemeInformation")
    _sub(scheme, "TSLVersionIdentifier", "5")
    _sub(scheme, "TSLSequenceNumber", str(sequence))
    _sub(scheme, "TSLType", tsl_type)
    _names(scheme, "SchemeOperatorName", f"Test supervisory body {territory}")
    _sub(scheme, "SchemeTerritory", territory)
    _sub(scheme, "ListIssueDateTime", issued.strftime("%Y-%m-%dT%H:%M:%SZ"))
    update = _sub(scheme, "NextUpdate")
    _sub(update, "dateTime", issued.replace(year=issued.year + 1).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return scheme


def _service_information(
    parent: Any, tag: str, service: Service, since: datetime, status: str
) -> Any:
    info = _sub(parent, tag)
    _sub(info, "ServiceTypeIdentifier", service.type)
    _names(info, "ServiceName", service.name)
    _digital_identity(info, "ServiceDigitalIdentity", service.certificate)
    _sub(info, "ServiceStatus", STATUS + status)
    _sub(info, "StatusStartingTime", since.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return info


def _extensions(info: Any, service: Service) -> None:
    if not service.uses and not service.qualifiers:
        return
    extensions = _sub(info, "ServiceInformationExtensions")
    for use in service.uses:
        extension = _sub(extensions, "Extension", Critical="true")
        additional = _sub(extension, "AdditionalServiceInformation")
        _sub(additional, "URI", SVCINFO + use, **{XML_LANG: "en"})
    if service.qualifiers:
        extension = _sub(extensions, "Extension", Critical="true")
        qualifications = _sub(extension, "Qualifications", ns=ECC)
        element = _sub(qualifications, "QualificationElement", ns=ECC)
        qualifiers = _sub(element, "Qualifiers", ns=ECC)
        for name in service.qualifiers:
            _sub(qualifiers, "Qualifier", ns=ECC, uri=SVCINFO + name)
        _sub(element, "CriteriaList", ns=ECC).set("assert", "atLeastOne")


def national_list(
    services: list[Service], *, territory: str = "SE", sequence: int = 7, issued: datetime
) -> Any:
    """An unsigned national trusted list (the XML root) with one provider's services."""
    root = etree.Element(
        f"{{{TSL}}}TrustServiceStatusList",
        nsmap={None: TSL, "tslx": TSLX, "ecc": ECC},
        Id="TrustServiceStatusList",
        TSLTag="http://uri.etsi.org/19612/TSLTag",
    )
    _scheme(root, territory, GENERIC, sequence, issued)
    providers = _sub(root, "TrustServiceProviderList")
    provider = _sub(providers, "TrustServiceProvider")
    information = _sub(provider, "TSPInformation")
    _names(information, "TSPName", "Test QTSP AB")
    listed = _sub(provider, "TSPServices")
    for service in services:
        element = _sub(listed, "TSPService")
        since, status = service.statuses[-1]
        info = _service_information(element, "ServiceInformation", service, since, status)
        _extensions(info, service)
        if len(service.statuses) > 1:
            history = _sub(element, "ServiceHistory")
            for old_since, old_status in reversed(service.statuses[:-1]):
                _service_information(
                    history, "ServiceHistoryInstance", service, old_since, old_status
                )
    return root


def lotl(
    pointers: list[tuple[str, str, x509.Certificate]], *, sequence: int = 300, issued: datetime
) -> Any:
    """An unsigned List of Trusted Lists: ``(territory, location, signer)`` per pointer."""
    root = etree.Element(
        f"{{{TSL}}}TrustServiceStatusList",
        nsmap={None: TSL, "tslx": TSLX},
        Id="LOTL",
        TSLTag="http://uri.etsi.org/19612/TSLTag",
    )
    scheme = _scheme(root, "EU", LOTL_TYPE, sequence, issued)
    container = _sub(scheme, "PointersToOtherTSL")
    for territory, location, signer in pointers:
        pointer = _sub(container, "OtherTSLPointer")
        identities = _sub(pointer, "ServiceDigitalIdentities")
        _digital_identity(identities, "ServiceDigitalIdentity", signer)
        _sub(pointer, "TSLLocation", location)
        additional = _sub(pointer, "AdditionalInformation")
        info = _sub(additional, "OtherInformation")
        _sub(info, "TSLType", GENERIC)
        info = _sub(additional, "OtherInformation")
        _sub(info, "SchemeTerritory", territory)
        info = _sub(additional, "OtherInformation")
        _sub(info, "MimeType", "application/vnd.etsi.tsl+xml", ns=TSLX)
    return root


def sign_list(root: Any, key: Any, certificate: x509.Certificate) -> bytes:
    """The list signed (enveloped XAdES, signxml), as bytes."""
    signer = xades.XAdESSigner(signature_algorithm="ecdsa-sha256")
    signed = signer.sign(root, key=key_pem(key), cert=[certificate])
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))
