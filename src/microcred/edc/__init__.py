"""European Digital Credentials: JAdES seals (ETSI TS 119 182-1) over ELM credentials and
the EU trusted lists (ETSI TS 119 612) their certificates are anchored in.

The heavy libraries (``asn1crypto``, ``lxml``, ``signxml``) are imported only when a seal is
made or a trusted list read (the ``[edc]`` extra).
"""

from __future__ import annotations

from ._seal import HttpTsa, TimestampAuthority, seal
from ._tl import (
    SealTrust,
    TrustedList,
    TrustService,
    assess_seal,
    fetch_trusted_lists,
    load_trusted_list,
)

__all__ = [
    "HttpTsa",
    "SealTrust",
    "TimestampAuthority",
    "TrustService",
    "TrustedList",
    "assess_seal",
    "fetch_trusted_lists",
    "load_trusted_list",
    "seal",
]
