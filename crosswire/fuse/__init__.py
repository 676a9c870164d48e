"""Across reports: one entity per real thing, estimate series, contradictions, corroboration, timeline.

``Fusion(store, settings)`` (in :mod:`crosswire.fuse.service`) is the contract the CLI, the web
dashboard and reports call. Heuristics live in ``crosswire/data/fusion.toml`` and
``crosswire/data/estimative.toml``.
"""
from .service import Fusion

__all__ = ["Fusion"]
