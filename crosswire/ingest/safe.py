"""Make strings safe to store and print: lone surrogates, undecodable file names, NUL bytes.

Public functions: ``safe_text`` (lone surrogates -> U+FFFD, reporting whether any was replaced),
``safe_name`` (a file name as the user can read it: undecodable bytes written as ``\\xff``),
``safe_value`` (``safe_text`` applied inside lists and dicts).

Why: Python strings may hold lone surrogates (JSON ``"\\ud800"``, an XML character reference
``&#55296;``, a file name read with ``surrogateescape``); UTF-8 cannot encode them, so SQLite and
the terminal raise ``UnicodeEncodeError`` and one such input used to abort the whole batch.
"""
from __future__ import annotations

import os
import re
from typing import Any

_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def safe_text(text: str) -> tuple[str, bool]:
    """``text`` with every lone surrogate replaced by U+FFFD, and whether anything was replaced."""
    try:
        text.encode("utf-8")
        return text, False
    except UnicodeEncodeError:
        return _SURROGATE.sub(REPLACEMENT, text), True


def safe_value(value: Any) -> tuple[Any, bool]:
    """``safe_text`` over a JSON-like value (strings inside lists and dict keys/values too)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list):
        pairs = [safe_value(v) for v in value]
        return [v for v, _ in pairs], any(c for _, c in pairs)
    if isinstance(value, dict):
        out, changed = {}, False
        for k, v in value.items():
            k2, c1 = safe_value(k)
            v2, c2 = safe_value(v)
            out[k2] = v2
            changed = changed or c1 or c2
        return out, changed
    return value, False


def safe_name(path: str | bytes | os.PathLike[str]) -> str:
    """A path as printable, storable text: undecodable bytes of the name are escaped as ``\\xNN``."""
    name = os.fsdecode(path)
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that did not come from an undecodable byte
        return _SURROGATE.sub(REPLACEMENT, name)


def safe_document(doc: Any) -> bool:
    """Replace lone surrogates in every text field of a Document in place; True when any was replaced."""
    changed = False
    for name in ("source", "decoded", "text", "title", "publisher", "published", "language", "url", "external_id"):
        value = getattr(doc, name)
        if isinstance(value, str):
            fixed, hit = safe_text(value)
            if hit:
                setattr(doc, name, fixed)
                changed = True
    for name in ("authors", "meta_sources"):
        fixed, hit = safe_value(getattr(doc, name))
        if hit:
            setattr(doc, name, fixed)
            changed = True
    for line in doc.removed:
        line.text, hit = safe_text(line.text)
        changed = changed or hit
    return changed
