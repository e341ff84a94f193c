"""Offline JSON-LD (being assembled)."""
