"""The Commission's JAdES-sealed samples (``../shared/standards/elm``) and ways to change
them: decode and re-encode a protected header or an ``etsiU`` element, flip one byte.

The samples carry their chains' certificates (``x5c``, ``xVals`` and the time-stamp tokens'
own); :func:`anchors` picks, by subject, the ones a test gives as trust anchors: the top of
each chain the signature carries.

Import as ``from tests.edc._samples import ...``.
"""

from __future__ import annotations

import base64
import copy
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from asn1crypto import x509

#: The EDCI eSeal test output (JAdES baseline LTA over a presentation).
LTA = Path("elm/signatures/edci__json_to_seal-signed-jades-baseline-lta.json")
#: The signed Annex I micro-credential sample of the ELM repository.
ANNEX = Path("elm/examples/elm-repo__Sample-MC-Annex1-signed.jsonld")
#: The signed certificate-of-participation sample (the same profile).
CERT_OF_PART = Path("elm/examples/elm-repo__Sample-CertOfPart-signed.jsonld")

#: The tops of the chains each sample carries: the seal's and the TSA's.
ANCHOR_SUBJECTS = {
    LTA: ("ANF Global Root CA", "self-signed-tsa"),
    ANNEX: ("ANF AC Qualified Certificates for eSeal", "root-ca"),
    CERT_OF_PART: ("ANF AC Qualified Certificates for eSeal", "root-ca"),
}
#: A time at which every certificate of the sample is valid (the day after sealing).
DAY_AFTER = {
    LTA: datetime(2022, 8, 20, tzinfo=timezone.utc),
    ANNEX: datetime(2023, 9, 28, tzinfo=timezone.utc),
    CERT_OF_PART: datetime(2023, 9, 28, tzinfo=timezone.utc),
}


def load(standards: Path, sample: Path) -> dict[str, Any]:
    """The sample as a JSON object (a fresh copy each time)."""
    data: dict[str, Any] = json.loads((standards / sample).read_text(encoding="utf-8"))
    return data


def unb64url(text: str) -> bytes:
    """Decode unpadded base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def protected(document: dict[str, Any]) -> dict[str, Any]:
    """The first signature's protected header, decoded."""
    header: dict[str, Any] = json.loads(unb64url(document["signatures"][0]["protected"]))
    return header


def with_protected(document: dict[str, Any], header: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` whose first protected header is ``header`` (re-encoded)."""
    changed = copy.deepcopy(document)
    changed["signatures"][0]["protected"] = b64url(json.dumps(header).encode("utf-8"))
    return changed


def etsiu(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The first signature's ``etsiU`` elements, decoded."""
    return [json.loads(unb64url(e)) for e in document["signatures"][0]["header"]["etsiU"]]


def with_etsiu(document: dict[str, Any], index: int, element: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` whose ``etsiU[index]`` is ``element`` (re-encoded)."""
    changed = copy.deepcopy(document)
    encoded = b64url(json.dumps(element, separators=(",", ":")).encode("utf-8"))
    changed["signatures"][0]["header"]["etsiU"][index] = encoded
    return changed


def component_index(document: dict[str, Any], name: str) -> int:
    """The index of the ``etsiU`` element holding ``name``."""
    return next(i for i, e in enumerate(etsiu(document)) if name in e)


def flip(data: bytes, at: int) -> bytes:
    """``data`` with the byte at ``at`` (negative: from the end) changed."""
    position = at % len(data)
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def flip_b64(value: str, at: int) -> str:
    """A standard base64 value with one byte of what it encodes changed."""
    return base64.b64encode(flip(base64.b64decode(value), at)).decode("ascii")


def carried_certificates(document: dict[str, Any]) -> list[x509.Certificate]:
    """Every certificate the sample carries: ``x5c``, ``xVals``, and those of its tokens."""
    from asn1crypto import cms

    found = [x509.Certificate.load(base64.b64decode(c)) for c in protected(document)["x5c"]]
    tokens = [t["val"] for t in protected(document).get("adoTst", {}).get("tstTokens", [])]
    for element in etsiu(document):
        for name, value in element.items():
            if name == "xVals":
                found += [
                    x509.Certificate.load(base64.b64decode(v["x509Cert"]["val"])) for v in value
                ]
            elif name in ("sigTst", "arcTst"):
                tokens += [t["val"] for t in value["tstTokens"]]
    for token in tokens:
        signed = cms.ContentInfo.load(base64.b64decode(token))["content"]
        found += [c.chosen for c in signed["certificates"] or []]
    return found


def anchors(document: dict[str, Any], sample: Path) -> list[bytes]:
    """The DER of the certificates :data:`ANCHOR_SUBJECTS` names for ``sample``."""
    wanted = ANCHOR_SUBJECTS[sample]
    found: dict[bytes, None] = {}
    for certificate in carried_certificates(document):
        common_name = certificate.subject.native.get("common_name")
        if common_name in wanted:
            found[certificate.dump()] = None
    assert len(found) == len(wanted), f"expected {wanted} among the carried certificates"
    return list(found)
