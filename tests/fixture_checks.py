"""Helpers shared by the fixture tests: clean one fixture file, and check its must-contain /
must-not-contain snippets (whitespace-normalised, as ../shared/eval scores clean text)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crosswire.clean import clean_document
from crosswire.ingest.readers import Input, RawItem, read_items
from crosswire.models import Document


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def clean_fixture(path: Path) -> Document:
    """The one report a fixture file holds, read and cleaned as ingest would."""
    items = read_items(Input(str(path), path.read_bytes()))
    assert len(items) == 1 and isinstance(items[0], RawItem), items
    return clean_document(items[0])


def check_snippets(text: str, expected: dict[str, Any]) -> None:
    body = squash(text)
    for snippet in expected.get("must_contain", []):
        assert squash(snippet) in body, f"clean text lacks {snippet!r}"
    for snippet in expected.get("must_not_contain", []):
        assert squash(snippet) not in body, f"clean text keeps {snippet!r}"
