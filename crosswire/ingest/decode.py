"""Bytes -> text: BOMs, UTF-16 without BOM, CP949/EUC-KR, Windows-1252, then mojibake repair.

Order (first that holds wins): BOM -> UTF-16 by NUL pattern -> strict UTF-8 -> CP949 when the
result is mostly Hangul -> charset-normalizer's best guess -> Windows-1252 with replacement.
ftfy then repairs mojibake (UTF-8 read as Windows-1252) without straightening curly quotes.

Public functions: ``decode`` (text, encoding) and ``decode_flagged`` (text, encoding, flags).
A few NUL bytes in otherwise readable text are removed and flagged ("binary" is kept for bytes
that are not text: many NULs, or many control bytes); undecodable bytes become U+FFFD, flagged.
"""
from __future__ import annotations

import codecs
import re

import ftfy
from charset_normalizer import from_bytes

from ..errors import BinaryInput, EmptyInput

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_WESTERN_LOOKALIKES = {"cp1250", "cp1254", "cp1257", "iso8859_2", "iso8859_9", "iso8859_15", "latin_1",
                       "mac_latin2", "mac_roman", "cp850", "cp437"}
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, explain=False)


def _utf16_without_bom(raw: bytes) -> str | None:
    sample = raw[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _guess(raw: bytes) -> str:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    utf16 = _utf16_without_bom(raw)
    if utf16:
        return utf16
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp949")
        non_ascii = [c for c in text if ord(c) > 127]
        if non_ascii and sum(bool(_HANGUL.match(c)) for c in non_ascii) / len(non_ascii) > 0.6:
            return "cp949"
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw[:200_000]).best()
    if best is None or best.encoding in _WESTERN_LOOKALIKES:
        return "cp1252"  # news in Western European scripts: prefer Windows-1252 over its look-alikes
    return best.encoding


def _printable_share(text: str) -> float:
    return sum(c.isprintable() or c in "\n\t\r" for c in text) / max(1, len(text))


_MAX_NUL_SHARE = 0.1  # text with stray NULs has a few; images, archives and databases have many


def _wide_unicode(raw: bytes) -> bool:
    return any(raw.startswith(b) for b, _ in _BOMS) or _utf16_without_bom(raw) is not None


def looks_binary(raw: bytes) -> bool:
    """True for bytes that are not text in any encoding we read (many NULs or control bytes)."""
    if any(raw.startswith(b) for b, _ in _BOMS):
        return False
    utf16 = _utf16_without_bom(raw)
    if utf16:
        return _printable_share(raw[:8000].decode(utf16, errors="replace")) < 0.95
    sample = raw[:8000]
    if sample.count(0) > _MAX_NUL_SHARE * len(sample):
        return True
    return len(_CONTROL.findall(sample.replace(b"\x00", b"").decode("latin-1"))) > 0.05 * max(1, len(sample))


def decode(raw: bytes, source: str) -> tuple[str, str]:
    """Return (text, encoding name); raise EmptyInput / BinaryInput with the file named."""
    text, encoding, _flags = decode_flagged(raw, source)
    return text, encoding


def decode_flagged(raw: bytes, source: str) -> tuple[str, str, list[str]]:
    """(text, encoding, flags): flags say what was repaired (NUL bytes removed, bytes replaced)."""
    if not raw.strip():
        raise EmptyInput(source, "the file is empty (expected a news report)")
    if looks_binary(raw):
        raise BinaryInput(source, "binary data, not text (expected .txt, .html, .jsonl or an RSS/Atom feed)")
    flags: list[str] = []
    nuls = 0 if _wide_unicode(raw) else raw.count(0)
    if nuls:
        raw = raw.replace(b"\x00", b"")
        flags.append(f"removed {nuls} NUL byte(s)")
    if not raw.strip():
        raise EmptyInput(source, "the file holds only NUL bytes and spaces (expected a news report)")
    encoding = _guess(raw)
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding = encoding if _known(encoding) else "cp1252"
        text = raw.decode(encoding, errors="replace")
        flags.append(f"bytes not valid in {encoding} replaced with U+FFFD")
    if "\x00" in text:  # UTF-16/32 text can hold NUL characters too
        flags.append(f"removed {text.count(chr(0))} NUL character(s)")
        text = text.replace("\x00", "")
    return repair(text), encoding, flags


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
        return True
    except LookupError:
        return False


def repair(text: str) -> str:
    """Fix mojibake and normalise line ends; keeps curly quotes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return ftfy.fix_text(text, _FTFY)
