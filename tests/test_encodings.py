"""Encodings detected and repaired: UTF-8, UTF-16, CP949, Windows-1252, mojibake."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosswire.errors import BinaryInput, EmptyInput
from crosswire.ingest.decode import decode

ENC = Path(__file__).parent / "fixtures" / "encodings"
EXPECTED = json.loads((ENC / "expected.json").read_text(encoding="utf-8")) if (ENC / "expected.json").exists() else {}


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=str)
def test_decoded_text_matches(name: str) -> None:
    text, _encoding = decode((ENC / name).read_bytes(), name)
    assert text.strip() == EXPECTED[name].strip()


def test_cp949_named() -> None:
    raw = "북한군 파병 보도\nNorth Korea sent troops.".encode("cp949")
    text, encoding = decode(raw, "k.txt")
    assert "북한군" in text and encoding == "cp949"


def test_binary_and_empty_rejected_with_file_named() -> None:
    with pytest.raises(BinaryInput, match="img.txt"):
        decode(b"\x00\x01\x02PNG" * 100, "img.txt")
    with pytest.raises(EmptyInput, match="e.txt: the file is empty"):
        decode(b"  \n", "e.txt")
