"""Find inputs and split them into items (one per report).

Kinds: plain text, saved web pages (.html/.htm), JSONL (one document per line), RSS/Atom feeds.
A failure names the file (and line or entry) and becomes a Rejection; the batch goes on.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, TooLarge
from ..models import Rejection
from .decode import decode

TEXT_EXT = {".txt", ".text", ".md", ""}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
FEED_EXT = {".rss", ".atom", ".xml", ".feed"}
KNOWN_EXT = TEXT_EXT | HTML_EXT | JSONL_EXT | FEED_EXT


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


@dataclass(slots=True)
class Input:
    source: str
    raw: bytes

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def _walk(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                p = Path(root) / name
                if not name.startswith(".") and p.suffix.lower() in KNOWN_EXT and "README" not in name.upper():
                    yield p
    else:
        yield path


def iter_inputs(paths: list[str], max_bytes: int) -> Iterator[Input | Rejection]:
    """Each file under ``paths`` (folders recursively, ``-`` for stdin) as bytes, or a Rejection."""
    for arg in paths:
        if arg == "-":
            yield Input("<stdin>", sys.stdin.buffer.read())
            continue
        root = Path(arg)
        if not root.exists():
            yield Rejection(arg, "no such file or folder")
            continue
        for p in _walk(root):
            yield _read_file(p, max_bytes)


def _read_file(p: Path, max_bytes: int) -> Input | Rejection:
    try:
        size = p.stat().st_size
        if size > max_bytes:
            err = TooLarge(str(p), f"{size / 1e6:.0f} MB is larger than the limit of {max_bytes / 1e6:.0f} MB "
                                   "(raise it with --max-bytes or CROSSWIRE_MAX_BYTES)")
            return Rejection(str(p), err.problem)
        return Input(str(p), p.read_bytes())
    except OSError as exc:
        return Rejection(str(p), f"cannot read: {exc.strerror or exc}")


def kind_of(source: str, raw: bytes) -> str:
    ext = Path(source).suffix.lower()
    if ext in HTML_EXT:
        return "html"
    if ext in JSONL_EXT:
        return "jsonl"
    if ext in FEED_EXT:
        return "feed"
    head = raw[:600].lstrip().lower()
    if head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def read_items(inp: Input) -> list[RawItem | Rejection]:
    """Split one input into report items; every failure becomes a Rejection naming the place."""
    kind = kind_of(inp.source, inp.raw)
    try:
        if kind == "jsonl":
            return list(_jsonl_items(inp))
        if kind == "feed":
            from .feeds import feed_items
            return list(feed_items(inp.source, inp.raw))
        text, encoding = decode(inp.raw, inp.source)
        return [RawItem(inp.source, inp.raw, kind, text=text, encoding=encoding)]
    except InputError as exc:
        return [Rejection(inp.source, exc.problem, inp.raw)]


def _jsonl_items(inp: Input) -> Iterator[RawItem | Rejection]:
    text, encoding = decode(inp.raw, inp.source)
    raw_lines = inp.raw.splitlines()
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{inp.source} line {n}"
        raw_line = raw_lines[n - 1] if n - 1 < len(raw_lines) and encoding.startswith("utf-8") else line.encode()
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(where, f"invalid JSON ({exc.msg} at column {exc.colno}); "
                                   "expected one JSON object per line", raw_line)
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
            yield Rejection(where, "expected a JSON object with a non-empty string field 'text'", raw_line)
            continue
        fields = {k: obj[k] for k in ("id", "title", "published", "publisher", "url", "authors", "language")
                  if obj.get(k) not in (None, "")}
        if "id" in fields:
            fields["id"] = str(fields["id"])
        yield RawItem(inp.source, raw_line, "jsonl", locator=f"line {n}", text=obj["text"],
                      encoding=encoding, fields=fields)
