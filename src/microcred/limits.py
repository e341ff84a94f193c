"""Resource limits applied to untrusted input.

All limits have safe defaults and can be changed by passing a :class:`Limits` (or
``dataclasses.replace(DEFAULT_LIMITS, ...)``) to the functions that take ``limits=``.
``docs/security.md`` lists them with the reasoning behind each default.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True)
class Limits:
    """Bounds on the work microcred does for one input.

    Attributes:
        max_input_bytes: largest JSON/JWT input accepted, in bytes (``verify()`` applies it to
            any bytes it is given, images included); also the largest credential text baked
            into or read from a badge image.
        max_image_bytes: largest badge image (PNG or SVG) that ``baking.bake``/``baking.unbake``
            accept or produce, in bytes (images carry pixel data besides the credential).
        max_json_depth: deepest nesting of JSON arrays/objects.
        max_quads: most RDF quads a document may expand to before canonicalization.
        max_canonicalization_calls: most "Hash N-Degree Quads" calls RDFC-1.0 may make
            (stops poison graphs; the W3C suite's "evil" tests need far fewer).
        max_context_bytes: largest JSON-LD context a network loader accepts.
        max_jwt_bytes: largest compact JWT accepted.
        max_status_list_bytes: largest decompressed status list (a gzip bomb stops here).
        max_proofs: most proofs one document may carry (each costs a canonicalization).
        max_contexts: most ``@context`` entries one document may have in all (each may cost
            a context processing; a ``@context`` listing one entry twice is refused outright).
        network_timeout: seconds for one opt-in network request.
        max_redirects: redirects followed by an opt-in network request (same host only).
    """

    max_input_bytes: int = 8 * 1024 * 1024
    max_image_bytes: int = 16 * 1024 * 1024
    max_json_depth: int = 64
    max_quads: int = 100_000
    max_canonicalization_calls: int = 10_000
    max_context_bytes: int = 1024 * 1024
    max_jwt_bytes: int = 1024 * 1024
    max_status_list_bytes: int = 16 * 1024 * 1024
    max_proofs: int = 8
    max_contexts: int = 128
    network_timeout: float = 10.0
    max_redirects: int = 3

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive number, got {value!r}")


DEFAULT_LIMITS = Limits()
