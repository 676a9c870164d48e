"""Find inputs and split them into items (one per report).

Kinds: plain text, saved web pages (.html/.htm), JSONL (one document per line), RSS/Atom feeds.
A failure names the file (and line or entry) and becomes a Rejection; the batch goes on.

Steps, in order: ``iter_inputs`` finds files (names made printable with ``safe_name``), refuses
devices, FIFOs and sockets, and reads at most ``max_bytes`` (stdin too); ``read_items`` splits one
input by kind, every reader guarded so an unexpected error is a Rejection naming the input;
JSONL fields are type-checked (``_jsonl_fields``); lone surrogates are replaced by U+FFFD and each
repair is written on the item (``notes``/``warnings``) so the user sees it.
"""
from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from ..models import Rejection
from .decode import decode_flagged
from .items import Input, RawItem
from .safe import safe_name, safe_text, safe_value

TEXT_EXT = {".txt", ".text", ".md", ""}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
FEED_EXT = {".rss", ".atom", ".xml", ".feed"}
KNOWN_EXT = TEXT_EXT | HTML_EXT | JSONL_EXT | FEED_EXT


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
            yield _read_stream("<stdin>", sys.stdin.buffer, max_bytes)
            continue
        root = Path(arg)
        if not root.exists() and not root.is_symlink():
            yield Rejection(safe_name(arg), "no such file or folder")
            continue
        for p in _walk(root):
            yield _read_file(p, max_bytes)


def _too_large(source: str, size: int | None, max_bytes: int) -> Rejection:
    got = f"{size:,} bytes is larger than" if size is not None else "the input is longer than"
    return Rejection(source, f"{got} the limit of {max_bytes:,} bytes "
                             "(raise it with --max-bytes or CROSSWIRE_MAX_BYTES)")


def _read_stream(source: str, stream: BinaryIO, max_bytes: int) -> Input | Rejection:
    """At most ``max_bytes`` from a stream; more is a Rejection (the rest is not read)."""
    try:
        raw = stream.read(max_bytes + 1)
    except OSError as exc:
        return Rejection(source, f"cannot read: {exc.strerror or exc}")
    except MemoryError:
        return _too_large(source, None, max_bytes)
    if len(raw) > max_bytes:
        return _too_large(source, None, max_bytes)
    return Input(source, raw)


def _kind_of_file(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    for test, name in ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def _read_file(p: Path, max_bytes: int) -> Input | Rejection:
    source = safe_name(p)
    try:
        info = p.stat()
        special = _kind_of_file(info.st_mode)
        if special:
            return Rejection(source, f"{special}, not a file (expected a file or folder of reports)")
        if info.st_size > max_bytes:
            return _too_large(source, info.st_size, max_bytes)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(p, flags)  # non-blocking: a file swapped for a FIFO after stat cannot hang the run
        with os.fdopen(fd, "rb") as fh:
            if _kind_of_file(os.fstat(fh.fileno()).st_mode):
                return Rejection(source, "not a regular file (expected a file or folder of reports)")
            got = _read_stream(source, fh, max_bytes)
    except OSError as exc:
        return Rejection(source, f"cannot read: {exc.strerror or exc}")
    if isinstance(got, Rejection):
        return Rejection(source, got.reason)
    if source != os.fsdecode(p):
        got.repairs.append("the file name is not valid UTF-8; its undecodable bytes are written as \\xNN")
    return got


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
    try:
        items = _read_items(inp)
    except InputError as exc:
        items = [Rejection(inp.source, exc.problem, inp.raw)]
    except MemoryError:
        items = [Rejection(inp.source, "not enough memory to read this input (lower --max-bytes)", inp.raw)]
    except Exception as exc:  # noqa: BLE001 - one odd input must not stop the batch
        items = [Rejection(inp.source, f"could not read this input ({type(exc).__name__}: {exc})", inp.raw)]
    for item in items:  # a parser's message may quote the bad text: printable and storable too
        if isinstance(item, Rejection):
            item.source, _ = safe_text(item.source)
            item.reason, _ = safe_text(item.reason)
    return items


def _read_items(inp: Input) -> list[RawItem | Rejection]:
    items = _items_by_kind(inp)
    for item in items:
        if isinstance(item, RawItem) and inp.repairs:
            _flag(item, inp.repairs)
    return items


def _items_by_kind(inp: Input) -> list[RawItem | Rejection]:
    kind = kind_of(inp.source, inp.raw)
    if kind == "jsonl":
        return list(_jsonl_items(inp))
    if kind == "feed":
        from .feeds import feed_items
        return list(feed_items(inp.source, inp.raw))
    text, encoding, flags = decode_flagged(inp.raw, inp.source)
    item = RawItem(inp.source, inp.raw, kind, text=text, encoding=encoding)
    _flag(item, flags)
    if kind == "html":
        from .html import page_body
        body, how = page_body(text)
        if not body.strip():
            return [Rejection(inp.source, f"the page has no readable text ({how})", inp.raw)]
        if how != "trafilatura":
            item.notes["body_from"] = how
            item.warnings.append(f"main-text extraction found no body; used {how}")
    return [item]


def _flag(item: RawItem, flags: list[str]) -> None:
    """Write repairs on the item: kept in meta_sources['repairs'] and shown as a warning."""
    if flags:
        item.notes["repairs"] = "; ".join(filter(None, [item.notes.get("repairs"), *flags]))
        item.warnings.extend(flags)


def _jsonl_items(inp: Input) -> Iterator[RawItem | Rejection]:
    text, encoding, flags = decode_flagged(inp.raw, inp.source)
    raw_lines = inp.raw.splitlines()
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{inp.source} line {n}"
        raw_line = raw_lines[n - 1] if n - 1 < len(raw_lines) and encoding.startswith("utf-8") else line.encode()
        try:
            yield _jsonl_item(inp.source, n, line, raw_line, encoding, flags)
        except _LineError as exc:
            yield Rejection(where, str(exc), raw_line)
        except Exception as exc:  # noqa: BLE001 - one odd line must not stop the file
            reason, _ = safe_text(f"could not read this line ({type(exc).__name__}: {exc})")
            yield Rejection(where, reason, raw_line)


class _LineError(ValueError):
    pass


def _jsonl_item(source: str, n: int, line: str, raw_line: bytes, encoding: str, flags: list[str]) -> RawItem:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _LineError(f"invalid JSON ({exc.msg} at column {exc.colno}); expected one JSON object per line") from exc
    except RecursionError as exc:
        raise _LineError("JSON nested too deeply; expected one flat JSON object per line") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
        raise _LineError("expected a JSON object with a non-empty string field 'text'")
    obj, repaired = safe_value(obj)
    item = RawItem(source, raw_line, "jsonl", locator=f"line {n}", text=obj["text"], encoding=encoding)
    _flag(item, list(flags))
    if repaired:
        _flag(item, ["lone surrogate code point(s) replaced with U+FFFD"])
    item.fields = _jsonl_fields(obj, item)
    return item


_STRING_FIELDS = ("title", "publisher", "url", "language")


def _describe(value: Any) -> str:
    kind = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object", str: "a string"}
    shown = json.dumps(value, ensure_ascii=False)
    return f"{kind.get(type(value), type(value).__name__)} {shown[:60]}"


def _jsonl_fields(obj: dict[str, Any], item: RawItem) -> dict[str, Any]:
    """The metadata fields of one JSONL object, type-checked; a wrong one is kept as given and warned about."""
    from ..dates import iso_date

    fields: dict[str, Any] = {}

    def refuse(name: str, expected: str) -> None:
        value = obj[name]
        item.notes[f"{name}_as_given"] = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        item.warnings.append(f"field '{name}' expected {expected}, got {_describe(value)}; "
                             f"not used (kept as given in meta_sources.{name}_as_given)")

    for name in ("id", *_STRING_FIELDS, "published", "authors"):
        value = obj.get(name)
        if value is None or value == "":
            continue
        if name == "id":
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                refuse(name, "a string or an integer")
            else:
                fields[name] = str(value)
        elif name in _STRING_FIELDS:
            if isinstance(value, str):
                fields[name] = value
            else:
                refuse(name, "a string")
        elif name == "published":
            if isinstance(value, str) and iso_date(value):
                fields[name] = value
            else:
                refuse(name, "a date such as 2024-03-01 or an RFC 2822 date")
        elif isinstance(value, str):  # authors: one name
            fields[name] = [value]
        elif isinstance(value, list) and all(isinstance(a, str) for a in value):
            fields[name] = [a for a in value if a.strip()]
        else:
            refuse(name, "a string or a list of strings")
    return fields
