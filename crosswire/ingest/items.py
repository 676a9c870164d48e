"""What the readers hand on: an input as read (``Input``) and one report of it before cleaning (``RawItem``)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class RawItem:
    """One report as read, before cleaning. ``raw`` is the bytes of this report as received."""

    source: str
    raw: bytes
    kind: str  # text | html | jsonl | feed
    locator: str = ""  # "line 3", "entry 2"
    text: str = ""  # decoded text (html: the page source)
    encoding: str = "utf-8"
    fields: dict[str, Any] = field(default_factory=dict)  # explicit metadata (jsonl / feed / html meta)
    notes: dict[str, str] = field(default_factory=dict)  # repairs and values kept as given (to meta_sources)
    warnings: list[str] = field(default_factory=list)  # one line each, shown to the user


@dataclass(slots=True)
class Input:
    source: str
    raw: bytes
    repairs: list[str] = field(default_factory=list)  # e.g. the file name was escaped

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()
