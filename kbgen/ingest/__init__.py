"""Ingest: find recordings and their sidecars, validate them into Session records."""

from .discover import discover_sessions

__all__ = ["discover_sessions"]
