"""microcred: Open Badges 3.0 / CLR 2.0 Verifiable Credentials for EU micro-credentials."""

from __future__ import annotations

from . import errors
from ._version import __version__
from .errors import MicrocredError
from .limits import DEFAULT_LIMITS, Limits

__all__ = ["DEFAULT_LIMITS", "Limits", "MicrocredError", "__version__", "errors"]
