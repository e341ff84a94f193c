"""Controller identifiers and verification method URLs: did:web, https controllers, others.

A key signs as its *verification method* (a URL with a ``#fragment`` naming the key); its
*controller* is the part before ``#``: a DID (``did:key``, ``did:jwk``, ``did:web``, ...) or the
``https:`` URL of a controller document. These functions check the syntax only; they never
resolve anything.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from ..errors import InvalidDidError

__all__ = [
    "check_did_web",
    "check_https_controller",
    "check_key_id",
    "did_jwk_identifiers",
    "did_key_identifiers",
    "publication_url",
    "split_verification_method",
]

_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+")
_DID = re.compile(r"did:([a-z0-9]+):((?:[A-Za-z0-9._:-]|%[0-9A-Fa-f]{2})+)")
_FRAGMENT = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})+")
_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,127}")
_MAX = 2048


def _check_host(host: str, what: str) -> None:
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in host.split(".")):
        raise InvalidDidError(
            f"{what}: {host[:80]!r} is not a host name (letters, digits and '-' in "
            "dot-separated labels)"
        )


def check_did_web(did: str) -> None:
    """Check that ``did`` is a well-formed did:web (no fragment).

    ``did:web:HOST[%3APORT][:SEGMENT...]``: a DNS host name (not an IP address), an optional
    port written ``%3A`` (the colon percent-encoded), then colon-separated path segments
    (letters, digits, ``.``, ``-``, ``_`` or percent-encoded bytes; never ``.`` or ``..``).

    Raises:
        InvalidDidError: what is wrong, in words.
    """
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise InvalidDidError(f"not a did:web: {str(did)[:80]!r}")
    if len(did) > _MAX:
        raise InvalidDidError("did:web is too long")
    if "#" in did or "?" in did or "/" in did:
        raise InvalidDidError(
            f"{did[:80]!r}: a did:web has no '/', '?' or '#': path segments are separated by ':'"
        )
    head, *segments = did[len("did:web:") :].split(":")
    if not head:
        raise InvalidDidError("did:web needs a host name: did:web:uni.example.se")
    host, sep, port = head.lower().partition("%3a")
    if "%" in host:
        raise InvalidDidError(
            f"did:web host {head!r}: only the port separator may be percent-encoded (%3A)"
        )
    _check_host(host, "did:web")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise InvalidDidError(f"did:web names a host by name, not by IP address ({host})")
    if host.replace(".", "").isdigit():
        raise InvalidDidError(f"did:web names a host by name, not by IP address ({host})")
    if sep and (not port.isdigit() or not 0 < int(port) < 65536 or port.startswith("0")):
        raise InvalidDidError(f"did:web port {port!r} is not a port number (1-65535)")
    for segment in segments:
        if not segment:
            raise InvalidDidError(f"{did[:80]!r} has an empty path segment ('::' or a final ':')")
        if not _SEGMENT.fullmatch(segment) or segment in (".", ".."):
            raise InvalidDidError(
                f"did:web path segment {segment[:40]!r}: use letters, digits, '.', '-', '_' "
                "(or percent-encoded bytes), not '.' or '..'"
            )
        if "%2f" in segment.lower():
            raise InvalidDidError(f"did:web path segment {segment[:40]!r} hides a '/' (%2F)")


def check_https_controller(url: str) -> None:
    """Check that ``url`` can name a controller document: an absolute ``https:`` URL with a
    host, and no user name, query or fragment.

    Raises:
        InvalidDidError: what is wrong, in words.
    """
    if not isinstance(url, str) or not url.startswith("https://"):
        raise InvalidDidError(
            f"a controller document URL must start with https:// ({str(url)[:80]!r})"
        )
    if len(url) > _MAX or any(c.isspace() or ord(c) < 0x21 or ord(c) > 0x7E for c in url):
        raise InvalidDidError("a controller document URL must be short, printable ASCII")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidDidError(f"{url[:80]!r} is not a URL: {exc}") from None
    if "#" in url or parts.query or "?" in url:
        raise InvalidDidError(f"{url[:80]!r}: a controller URL has no query or '#fragment'")
    if "@" in parts.netloc:
        raise InvalidDidError(f"{url[:80]!r}: a controller URL has no user name")
    host = parts.hostname or ""
    if not host:
        raise InvalidDidError(f"{url[:80]!r} has no host")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        _check_host(host, "controller URL")
    if port == 0:
        raise InvalidDidError(f"{url[:80]!r}: port 0 is not a port")


def check_key_id(name: str) -> None:
    """Check a key's name (the fragment after ``#``) as ``keygen --key-id`` takes it:
    1 to 128 letters, digits, ``.``, ``_``, ``~`` or ``-``, starting with a letter or digit.

    Raises:
        InvalidDidError: not such a name.
    """
    if not isinstance(name, str) or not _KEY_ID.fullmatch(name):
        raise InvalidDidError(
            f"key id {str(name)[:60]!r}: use 1-128 letters, digits, '.', '_', '~' or '-', "
            "starting with a letter or digit (e.g. key-1)"
        )


def did_key_identifiers(multibase: str) -> tuple[str, str]:
    """``(did, verification method)`` of the did:key of a public Multikey value ``z...``:
    ``did:key:z...`` and ``did:key:z...#z...`` (did:key, "Document Creation Algorithm": the
    verification method's fragment is the multibase value itself).

    Args:
        multibase: the key's ``publicKeyMultibase``.

    Returns:
        The DID and the id of its one verification method.
    """
    did = f"did:key:{multibase}"
    return did, f"{did}#{multibase}"


def did_jwk_identifiers(encoded: str) -> tuple[str, str]:
    """``(did, verification method)`` of a did:jwk: ``did:jwk:<encoded>`` and
    ``did:jwk:<encoded>#0`` (did:jwk, "Read": the one verification method is ``#0``).

    Args:
        encoded: the base64url (unpadded) UTF-8 JSON of the public JWK.

    Returns:
        The DID and the id of its one verification method.
    """
    did = f"did:jwk:{encoded}"
    return did, f"{did}#0"


def split_verification_method(vm: str) -> tuple[str, str, str]:
    """``(controller, fragment, kind)`` of a verification method URL.

    ``kind`` is the DID method (``key``, ``jwk``, ``web``, ...) or ``https`` for a controller
    document URL. The controller is checked as :func:`check_did_web` /
    :func:`check_https_controller` do (other DID methods: the generic DID syntax).

    Raises:
        InvalidDidError: not a verification method URL (no ``#fragment``, not a DID or https
            URL, or a malformed controller).
    """
    if not isinstance(vm, str) or not vm:
        raise InvalidDidError("a verification method must be a non-empty string")
    if len(vm) > 8192:
        raise InvalidDidError("verification method URL is too long")
    controller, sep, fragment = vm.partition("#")
    if not sep or not fragment:
        raise InvalidDidError(
            f"{vm[:80]!r} is not a verification method URL: it needs a '#fragment' naming "
            "the key (did:web:uni.example.se#key-1, https://uni.example.se/issuer#key-1)"
        )
    if not _FRAGMENT.fullmatch(fragment):
        raise InvalidDidError(f"{vm[:80]!r}: the fragment has characters a URL cannot carry")
    if controller.startswith("https://"):
        check_https_controller(controller)
        return controller, fragment, "https"
    if controller.startswith("did:web:"):
        check_did_web(controller)
        return controller, fragment, "web"
    match = _DID.fullmatch(controller)
    if match is None:
        raise InvalidDidError(
            f"{vm[:80]!r} is not a verification method URL: the controller must be a DID "
            "(did:METHOD:...) or an https:// URL"
        )
    return controller, fragment, match.group(1)


def publication_url(controller: str) -> str:
    """Where the document of ``controller`` must be published for verifiers to fetch it.

    ``did:web:uni.example.se`` → ``https://uni.example.se/.well-known/did.json``;
    ``did:web:uni.example.se:issuers:2026`` → ``https://uni.example.se/issuers/2026/did.json``;
    ``did:web:localhost%3A8443`` → ``https://localhost:8443/.well-known/did.json``; an
    ``https:`` controller → that URL itself.

    Raises:
        InvalidDidError: neither a well-formed did:web nor an https controller URL.
    """
    if isinstance(controller, str) and controller.startswith("https://"):
        check_https_controller(controller)
        return controller
    check_did_web(controller)
    head, *segments = controller[len("did:web:") :].split(":")
    host = re.sub("%3[Aa]", ":", head)
    if segments:
        return f"https://{host}/{'/'.join(segments)}/did.json"
    return f"https://{host}/.well-known/did.json"
