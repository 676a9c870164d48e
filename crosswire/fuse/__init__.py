"""Across reports: one entity per real thing, estimate series, contradictions, corroboration, timeline.

``Fusion(store, settings, cache)`` (in :mod:`crosswire.fuse.service`) is built by the engine
(``Crosswire.fusion``, see ``crosswire/reading.py``); the CLI, the dashboard and reports call the engine. Heuristics live in ``crosswire/data/fusion.toml`` and
``crosswire/data/estimative.toml``.
"""
from .service import Fusion

__all__ = ["Fusion"]
