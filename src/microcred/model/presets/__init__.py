"""National presets: conversions from national terms to the Annex I elements.

``se``: Sweden (högskolepoäng, levels, grading scales, personal identity numbers, Ladok and ESI
identifiers).
"""

from __future__ import annotations

from . import se

__all__ = ["se"]
