"""Hostile input: one bad report never aborts a batch; repairs are flagged; work stays bounded.

Each test reproduces one finding of issue 13 (it failed before the fix).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crosswire import Crosswire
from crosswire.extract.quantities import find_quantities
from crosswire.models import Document
from crosswire.nlp import sections
from crosswire.nlp.pipeline import SECTION_CHARS

GOOD = "[Anchor]\nNorth Korea sent about {n},000 more troops, officials said.\nThis is KBS News, Park Ji-won.\n"
SENTENCE = ("On March 3, 2024, officials in Kharkiv said 1,250 troops and 35 tanks moved 12 km north, while "
            "Defence Minister Rustem Umerov told Reuters that about 3,000 people were evacuated. ")


def _goods(folder: Path, k: int = 3) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(k):
        (folder / f"good{i}.txt").write_text(GOOD.format(n=i + 5), encoding="utf-8")


def _hostile_names_ok() -> bool:
    return os.name == "posix" and os.supports_bytes_environ


def test_lone_surrogate_in_a_jsonl_title_is_repaired_and_the_batch_goes_on(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "in"
    _goods(folder)
    (folder / "s.jsonl").write_text('{"id": "x1", "title": "bad \\ud800", "text": "Seoul said 1,000 troops moved."}\n'
                                    '{"id": "x2", "text": "Kyiv said 2,000 troops moved."}\n', encoding="utf-8")
    result = run_cli("ingest", str(folder))
    assert "Traceback" not in result.output + result.stderr
    assert "5 added" in result.stderr
    assert "line 1" in result.stderr and "U+FFFD" in result.stderr  # the repair is said, naming the line
    docs = json.loads(run_cli("docs", "--json").output)
    assert any(d["title"] == "bad \ufffd" for d in docs)


def test_rss_character_reference_to_a_surrogate_is_repaired(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "in"
    _goods(folder, 2)
    (folder / "f.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>bad &#55296; and &#xDC00;</title><description>Seoul said 1,000 troops moved across."
        "</description></item></channel></rss>", encoding="utf-8")
    result = run_cli("ingest", str(folder))
    assert "Traceback" not in result.output + result.stderr
    assert "3 added" in result.stderr and "entry 1" in result.stderr
    titles = [d["title"] for d in json.loads(run_cli("docs", "--json").output)]
    assert "bad \ufffd and \ufffd" in titles


@pytest.mark.skipif(not _hostile_names_ok(), reason="needs a POSIX file system with byte names")
def test_undecodable_file_name_is_escaped(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "in"
    _goods(folder, 2)
    with open(os.path.join(os.fsencode(folder), b"bad\xff\xfe.txt"), "wb") as fh:
        fh.write(GOOD.format(n=9).encode())
    result = run_cli("ingest", str(folder))
    assert "Traceback" not in result.output + result.stderr
    assert "3 added" in result.stderr and "file name is not valid UTF-8" in result.stderr
    sources = [d["source"] for d in json.loads(run_cli("docs", "--json").output)]
    assert any(s.endswith("bad\\xff\\xfe.txt") for s in sources)
    out = run_cli("extract", str(folder), "--jsonl", str(tmp_path / "out.jsonl"))
    assert out.exit_code == 0
    assert sum(1 for line in open(tmp_path / "out.jsonl") if '"record": "document"' in line) == 3


def test_a_reader_crash_is_a_rejection_naming_the_file(tmp_path: Path, run_cli,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import crosswire.ingest.readers as readers

    real = readers.decode_flagged

    def flaky(raw: bytes, source: str) -> Any:
        if b"BOOM" in raw:
            raise RuntimeError("simulated reader bug")
        return real(raw, source)

    monkeypatch.setattr(readers, "decode_flagged", flaky)
    folder = tmp_path / "in"
    _goods(folder, 2)
    (folder / "z.txt").write_text("BOOM " + GOOD.format(n=7), encoding="utf-8")
    result = run_cli("ingest", "--no-extract", str(folder))
    assert result.exit_code == 1
    assert "z.txt: could not read this input (RuntimeError: simulated reader bug)" in result.stderr
    assert "2 added" in result.stderr


def test_a_parse_failure_loses_only_its_own_report(engine: Crosswire, tmp_path: Path) -> None:
    ex = engine.extractor
    real = ex.nlp

    class Flaky:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def pipe(self, texts: list[str], **kw: Any) -> Any:
            for t in texts:
                if "BOOM" in t:
                    raise ValueError("simulated parser bug")
            return real.pipe(texts, **kw)

        def __call__(self, text: str) -> Any:
            if "BOOM" in text:
                raise ValueError("simulated parser bug")
            return real(text)

    ex.nlp = Flaky()
    try:
        for i, text in enumerate([GOOD.format(n=3), "BOOM " + GOOD.format(n=4), GOOD.format(n=5)]):
            (tmp_path / f"r{i}.txt").write_text(text, encoding="utf-8")
        report = engine.ingest([str(tmp_path)])
    finally:
        ex.nlp = real
    assert report.added == 3
    reasons = [r["reason"] for r in engine.store.rejections()]
    assert any("parse failed: ValueError: simulated parser bug" in r for r in reasons)
    assert engine.store.count("claims") >= 2


# -- bounded work ---------------------------------------------------------------------------------

def test_one_line_text_is_cut_into_sections_at_sentence_ends() -> None:
    text = SENTENCE * 800  # ~150 KB, no line breaks at all
    bounds = sections.section_bounds(text, 25_000)
    assert len(bounds) >= 6
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))  # a partition: offsets stay exact
    assert all(e - s <= 25_000 for s, e in bounds)
    assert all(text[e - 2:e] == ". " for s, e in bounds[:-1])  # never inside a word or a sentence


def test_section_cut_without_any_space_is_still_bounded() -> None:
    text = "x" * 60_000
    bounds = sections.section_bounds(text, 25_000)
    assert [e - s for s, e in bounds] == [25_000, 25_000, 10_000]


def _long_doc(n_chars: int) -> Document:
    text = (SENTENCE * (n_chars // len(SENTENCE) + 1))[:n_chars]
    return Document(id="long", source="long.txt", raw=text.encode(), text=text, decoded=text)


def test_a_long_one_line_report_keeps_exact_offsets(engine: Crosswire) -> None:
    doc = _long_doc(120_000)
    records = engine.extractor.extract_many([doc])[doc.id]
    assert not [r for r in records if r["record"] == "error"]
    claims = [r for r in records if r["record"] == "claim"]
    assert len(claims) > 1000
    for r in records:
        if r["record"] in ("claim", "time", "mention"):
            field = "span" if r["record"] == "claim" else "text"
            assert doc.text[r["start"]:r["end"]] == r[field], r
    assert max(r["end"] for r in claims) > 100_000  # the last section was read and shifted back
    ents = [r for r in records if r["record"] == "entity"]
    assert len({(e["name"], e["type"]) for e in ents}) == len(ents)  # sections merged by name


def test_time_budget_gives_a_flagged_partial_result(db: str) -> None:
    cw = Crosswire(db=db, time_budget=0)
    try:
        doc = _long_doc(80_000)
        records = cw.extractor.extract_many([doc])[doc.id]
    finally:
        cw.close()
    flags = [r for r in records if r["record"] == "error"]
    assert len(flags) == 1 and flags[0]["partial"] and "time budget" in flags[0]["reason"]
    assert "of 80,000" in flags[0]["reason"]
    first = sections.section_bounds(doc.text, SECTION_CHARS)[0]
    assert flags[0]["covered"] == [0, first[1]]  # only the first section was read (it always is)
    assert max(r["end"] for r in records if "end" in r) <= first[1]


# -- quantities: the lesser findings --------------------------------------------------------------

def test_a_negative_range_is_ordered() -> None:
    (q,) = find_quantities("-5-51")
    assert q.low is not None and q.high is not None and q.low <= q.high
    (q,) = find_quantities("temperatures of -5 to -51 degrees")
    assert (q.low, q.high) == (-51.0, -5.0)


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "alert(1)", "var n = 5; f(2)",
                                  '<td width="300">', "a {width: 300px;} b", "&#160;"])
def test_numbers_inside_markup_are_not_figures(text: str) -> None:
    assert find_quantities(text) == []


def test_figures_next_to_markup_are_kept() -> None:
    found = [q.text for q in find_quantities('<p class="x">Seoul said 3,000 troops moved.</p> alert(1)')]
    assert found == ["3,000 troops"]
    assert [q.value for q in find_quantities("about 3,000 (or 3.5%) soldiers")] == [3000.0, 3.5]


def test_stdin_respects_max_bytes(db: str) -> None:
    from crosswire.cli import cli

    result = CliRunner().invoke(cli, ["--db", db, "ingest", "--no-extract", "--max-bytes", "1000", "-"],
                                input=b"x" * 5000, obj={}, catch_exceptions=False)
    assert result.exit_code == 1
    assert "<stdin>: the input is longer than the limit of 1,000 bytes" in result.stderr


def test_extract_command_says_what_it_repaired(tmp_path: Path, run_cli) -> None:
    (tmp_path / "s.jsonl").write_text('{"id": "x1", "title": "bad \\ud800", "text": "Seoul said 1,000 troops moved."}\n',
                                      encoding="utf-8")
    result = run_cli("extract", str(tmp_path / "s.jsonl"), "--jsonl", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "line 1" in result.stderr and "U+FFFD" in result.stderr
    doc = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert doc["title"] == "bad \ufffd"


def test_a_partial_extraction_is_said_and_exits_1(tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from crosswire.cli import cli

    monkeypatch.setenv("CROSSWIRE_TIME_BUDGET", "0")
    (tmp_path / "long.txt").write_text(SENTENCE * 400, encoding="utf-8")  # ~78,000 characters, one line
    for args in (["ingest"], ["extract", "--jsonl", str(tmp_path / "out.jsonl")]):
        result = CliRunner().invoke(cli, ["--db", db, *args, str(tmp_path / "long.txt")], obj={},
                                    catch_exceptions=False)
        assert result.exit_code == 1, args
        assert "long.txt" in result.stderr and "time budget of 0 s per document ran out" in result.stderr


def test_an_error_message_quoting_a_lone_surrogate_is_printable(tmp_path: Path, run_cli,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import crosswire.ingest.readers as readers

    def broken(raw: bytes, source: str) -> Any:
        raise ValueError("cannot read 'bad \ud800'")

    monkeypatch.setattr(readers, "decode_flagged", broken)
    (tmp_path / "a.txt").write_text(GOOD.format(n=1), encoding="utf-8")
    for args in (["ingest", "--no-extract"], ["extract", "--jsonl", str(tmp_path / "out.jsonl")]):
        result = run_cli(*args, str(tmp_path / "a.txt"))
        assert result.exit_code == 1, args
        assert "cannot read 'bad \ufffd'" in result.stderr
