"""Extraction pipeline assembly (filled in by the extraction issue)."""
from __future__ import annotations

from typing import Any

from ..models import Document


class Extractor:
    def __init__(self, model: str) -> None:
        self.model = model
        self.versions: dict[str, str] = {}

    def extract_many(self, docs: list[Document]) -> dict[str, list[dict[str, Any]]]:
        return {d.id: [] for d in docs}
