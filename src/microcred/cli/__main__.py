"""``python -m microcred.cli``."""

from . import entry

entry()
