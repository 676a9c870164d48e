"""Property tests (hypothesis): on any text, no stage raises and every offset points at its span.

Inputs are news-like fragments (figures, ranges, dates, names, quotes, markup, transcript tags)
mixed with arbitrary Unicode, including lone surrogates, NULs and control characters. The budget
is bounded so ``make test`` stays fast: few examples per property, no per-example deadline,
no example database written into the tree.
"""
from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswire.clean.cleaner import clean_text
from crosswire.extract.quantities import find_quantities
from crosswire.extract.timex import find_times
from crosswire.ingest.safe import safe_text
from crosswire.models import Document

FRAGMENTS = [
    "North Korea sent about 3,000 troops", " -5-51 ", " between 50 and 20 people", " 10-15%", " $1.2bn ",
    " up to 40 tanks", " more than 1,250 soldiers were killed", " on March 3, 2024", " last Tuesday", " in 2023",
    " two weeks ago", " 3.5 million", " one in five", " officials said.", ' "We will respond," Kim Jong-un said.',
    " according to Reuters,", "\n\n", "\n", "[Anchor]\n", "[Reporter]\n", " KBS News, Park Ji-won.", " alert(1)",
    "<p>", "</div>", "&#160;", " x = 5;", " Ukraine's President Volodymyr Zelensky", " 12 km north of Kharkiv",
    " 40%", " nine", " (", ")", " —", "…", " 2024-13-45", " 99999999999999999999999", " 1e400", " ½",
]
ANY_CHAR = st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["\ud800", "\x00", "\x1b", "\u202e", "\ufeff"])
TEXTS = st.lists(st.sampled_from(FRAGMENTS) | st.text(ANY_CHAR, max_size=12), min_size=0, max_size=14).map("".join)
FAST = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


def _ordered(low: float | None, high: float | None) -> bool:
    return low is None or high is None or math.isnan(low) or math.isnan(high) or low <= high


@FAST
@given(TEXTS)
def test_cleaner_never_raises_and_segments_stay_inside(text: str) -> None:
    cleaned = clean_text(text)
    assert isinstance(cleaned.text, str)
    for seg in cleaned.segments:
        assert 0 <= seg.start <= seg.end <= len(cleaned.text)


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(TEXTS)
def test_quantities_spans_are_exact_and_ranges_ordered(text: str) -> None:
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.text
        assert _ordered(q.low, q.high), (q.text, q.low, q.high)
        for x in (q.value, q.low, q.high):
            assert x is None or isinstance(x, float)


@FAST
@given(TEXTS, st.sampled_from([None, "2024-03-01", "2024-03", "1999-12-31"]))
def test_time_expressions_spans_are_exact(text: str, ref: str | None) -> None:
    last_end = 0
    for t in find_times(text, ref):
        assert text[t.start:t.end] == t.text
        assert t.start >= last_end  # non-overlapping, in order
        last_end = t.end


@FAST
@given(TEXTS)
def test_safe_text_leaves_nothing_utf8_cannot_encode(text: str) -> None:
    fixed, changed = safe_text(text)
    fixed.encode("utf-8")
    assert changed == (fixed != text)
    assert len(fixed) == len(text)  # one replacement character per lone surrogate: offsets unchanged


@pytest.fixture(scope="module")
def extractor() -> Any:
    from crosswire.nlp.pipeline import Extractor
    from crosswire.settings import load

    from crosswire.resources import Resources

    return Extractor(load()["model"], Resources())


_SPAN_FIELD = {"claim": "span", "time": "text", "mention": "text", "quote": "text", "withheld_statement": "text"}


@settings(max_examples=25, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(TEXTS)
def test_whole_extraction_never_raises_and_offsets_point_at_spans(extractor: Any, text: str) -> None:
    text, _ = safe_text(text)  # the readers repair lone surrogates before anything is extracted
    doc = Document(id="p", source="p.txt", raw=text.encode(), text=text, decoded=text)
    records = extractor.extract_many([doc])["p"]
    assert not [r for r in records if r["record"] == "error"], records
    for r in records:
        field = _SPAN_FIELD.get(r["record"])
        if r["record"] in ("quote", "withheld_statement") and r.get("parts"):  # a content in pieces: the pieces, joined, are its text
            assert " … ".join(text[a:b] for a, b in r["parts"]) == r["text"], r
            assert (r["start"], r["end"]) == (r["parts"][0][0], r["parts"][-1][1]), r
        elif field and r.get("start") is not None:
            assert text[r["start"]:r["end"]] == r[field], r
        if r["record"] == "claim":
            assert _ordered(r["low"], r["high"]), r
