"""Page furniture in pasted text: which lines are the article body, judged by evidence.

Public function: ``find_body(lines, title=None) -> list[str | None]`` — for each line, None to keep it
as body or the rule that removes it ("boilerplate:outside-body", "boilerplate:menu-run",
"boilerplate:related-links", "boilerplate:share-bar", "boilerplate:timestamp", ...).
``analyse`` runs the same steps and keeps what each found (for tests and for looking into a page).

Steps, one function each, in this order:
1. ``_language``   — pick the stop-word list (jusText's 100 lists) that covers most words of the
                     document's long lines; none for unspaced scripts or when no list covers enough
                     (then length and terminal punctuation decide).
2. ``_features``   — per line: length, words, stop-word density, terminal punctuation, share of
                     capitalised words, whether it is an interface label, a caption, a timestamp
                     (data/boilerplate.toml ``furniture``), or the start of the comments (``end_marker``).
3. ``_classify``   — jusText's context-free classes: good, near-good, short, bad.
4. ``_weights``    — body evidence per line, in context: short lines by shape (sentence, menu label,
                     headline, fragment), lists whose lines open alike, tables pasted one cell a
                     line, a good line alone between non-body lines, lines under a related-links
                     label, lines repeated on the page, and a cost for each break between blocks.
                     (jusText's context-sensitive pass, short lines taking their neighbours' class,
                     is what the region search does here; run as well, it changed nothing measurable.)
5. ``_region``     — the body: the maximum-sum run of weights before the comments, begun after the
                     line that repeats the page title (the headline).
6. ``_decide``     — inside the region keep every line except interface labels, menu runs and
                     related-links lists; outside it remove every line, each with its reason.

Conventions: thresholds and vocabularies live in data/boilerplate.toml, which says where each idea
comes from (jusText, trafilatura, Boilerpipe). A document with no body evidence at all (nothing long,
nothing sentence-like) is left as it is. The caller decides which inputs are pages: the cleaner runs
this on plain-text inputs only (JSONL and feed texts are article bodies already).
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data" / "boilerplate.toml"
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_TERMINAL = re.compile(r"[.!?…。:;][\"'”’)\]]*$|[\"'”’]$")
_PREFIX = "boilerplate:"
_MONTH = re.compile(r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$")
# Han ideographs and kana: scripts written without spaces between words (one character ~ a short word).
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class Config:
    classify: dict[str, float]
    region: dict[str, float]
    inside: dict[str, float]
    furniture: tuple[tuple[str, re.Pattern[str]], ...]
    furniture_anywhere: tuple[tuple[str, re.Pattern[str]], ...]
    end_marker: tuple[re.Pattern[str], ...]
    widget_openers: frozenset[str]  # furniture rules whose line opens a list of links
    timestamp: re.Pattern[str]  # one token of a date or time stamp


@dataclass(slots=True)
class Line:
    text: str
    chars: int
    words: int
    stop: float | None  # stop-word density; None without a stop-word list
    terminal: bool
    furniture: str | None  # name of the interface-label rule the whole line matches
    end_marker: bool
    capitalised: float  # share of content words written with a capital (Title Case menus, names)
    cls: str = "short"  # good | neargood | short | bad


@lru_cache(maxsize=2)
def load_config(path: Path = DATA) -> Config:
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))

    def named(key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((e["name"], re.compile(e["pattern"], re.IGNORECASE)) for e in data.get(key, []))

    return Config(data["classify"], data["region"], data["inside"], named("furniture"),
                  named("furniture_anywhere"),
                  tuple(re.compile(e["pattern"], 0 if e.get("case_sensitive") else re.IGNORECASE)
                        for e in data.get("end_marker", [])),
                  frozenset(e["name"] for e in data.get("furniture", []) if e.get("opens_links")),
                  re.compile(rf"\b{data['timestamp']['tokens']}\b", re.IGNORECASE))


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    try:
        import justext  # type: ignore[import-untyped]
    except ImportError:  # jusText missing: length and punctuation still decide
        return {}
    return {name: frozenset(justext.get_stoplist(name)) for name in justext.get_stoplists()}


def _language(lines: Sequence[str], cfg: Config) -> frozenset[str] | None:
    """The stop-word list covering most words of the document's long lines (None when none covers
    enough, or when the text is written without spaces). Near-ties go to the smaller list: several of
    jusText's lists contain a whole other language's function words as well."""
    c = cfg.classify
    long_lines = [line for line in lines if len(line) >= c["length_low"]] or list(lines)
    sample = " ".join(long_lines)
    if len(_UNSPACED.findall(sample)) > 0.3 * max(1, len(re.findall(r"\w", sample))):
        return None
    words = [w.lower() for w in _WORD.findall(sample)][:2000]
    if len(words) < c["min_language_words"]:
        return None
    shares = sorted(((sum(w in sl for w in words) / len(words), name) for name, sl in _stoplists().items()),
                    reverse=True)
    if not shares or shares[0][0] < c["min_language_share"]:
        return None
    close = [name for share, name in shares if share >= shares[0][0] - c["language_tie"]]
    return _stoplists()[min(close, key=lambda name: len(_stoplists()[name]))]


def _bare(text: str) -> str:
    """The line without the separators and ellipses that decorate labels ("» Related", "More…")."""
    return text.strip(" \t|·•>»«›‹-–—:/").rstrip(".…").strip()


def _is_timestamp(text: str, cfg: Config) -> bool:
    if len(text) > 200 or not re.search(r"\d", text) or re.search(r"\w", cfg.timestamp.sub("", text)):
        return False
    return bool(re.search(r"[^\W\d_]|\d:\d\d|\d{4}[-./]\d\d?[-./]\d\d?|\d\d?[-./]\d\d?[-./]\d{2,4}", text))


def _furniture_name(text: str, cfg: Config) -> str | None:
    for name, rx in cfg.furniture_anywhere:
        if rx.search(text):
            return name
    if _is_timestamp(text, cfg):
        return "timestamp"
    if len(text) > 80:
        return None
    bare = _bare(text)
    for name, rx in cfg.furniture:
        if rx.fullmatch(bare):
            return name
    return None


def _capitalised(words: list[str], stoplist: frozenset[str] | None) -> float:
    """Share of content words that start with a capital (stop words are lower case in Title Case)."""
    content = [w for w in words if w[0].isalpha() and w.lower() != w.upper()
               and (w.lower() not in stoplist if stoplist else len(w) > 3)]
    if not content:
        return 1.0 if words else 0.0
    return sum(w[0].isupper() for w in content) / len(content)


def _features(lines: Sequence[str], stoplist: frozenset[str] | None, cfg: Config) -> list[Line]:
    out = []
    for text in lines:
        words = _WORD.findall(text)
        stop = (sum(w.lower() in stoplist for w in words) / len(words) if words else 0.0) if stoplist else None
        bare = _bare(text)
        end = len(text) <= 200 and any(rx.fullmatch(bare) for rx in cfg.end_marker)
        unspaced = len(_UNSPACED.findall(text))  # one such character carries about a short word
        chars = len(text) + int(unspaced * (cfg.classify["unspaced_char_weight"] - 1))
        n_words = max(len(words), int(unspaced / cfg.classify["unspaced_chars_per_word"]))
        out.append(Line(text, chars, n_words, stop, bool(_TERMINAL.search(text)), _furniture_name(text, cfg), end,
                        _capitalised(words, stoplist)))
    return out


def _classify(lines: list[Line], cfg: Config) -> None:
    """jusText's context-free classes (no link density in pasted text)."""
    c = cfg.classify
    for ln in lines:
        if ln.furniture or ln.words == 0:
            ln.cls = "bad"
        elif ln.chars < c["length_low"]:
            ln.cls = "short"
        elif ln.stop is None:
            ln.cls = ("good" if ln.terminal and ln.words >= c["fallback_good_words"] else
                      "neargood" if ln.terminal else "bad")
        elif ln.stop >= c["stopwords_high"]:
            ln.cls = "good" if ln.chars > c["length_high"] else "neargood"
        elif ln.stop >= c["stopwords_low"]:
            ln.cls = "neargood"
        else:
            ln.cls = "bad"


def _link_lists(lines: list[Line], cfg: Config) -> set[int]:
    """Lines under a related-links label, up to where the body goes on (a good paragraph, or two
    body-like lines in a row): the linked headlines and their teasers."""
    out: set[int] = set()
    open_list = False
    for i, ln in enumerate(lines):
        if ln.cls == "good" or (ln.cls == "neargood" and i + 1 < len(lines)
                                and lines[i + 1].cls in ("good", "neargood")):
            open_list = False
        if ln.furniture in cfg.widget_openers:
            open_list = True
        elif open_list:
            out.add(i)
    return out


def _repeated(lines: list[Line]) -> set[int]:
    """Paragraph-long lines that occur more than once on the page (a caption under its picture and in
    the gallery, a teaser in two lists): a body paragraph is written once."""
    seen = Counter(ln.text for ln in lines if ln.cls in ("good", "neargood"))
    return {i for i, ln in enumerate(lines) if ln.cls in ("good", "neargood") and seen[ln.text] > 1}


def _weights(lines: list[Line], cfg: Config) -> list[float]:
    """Body evidence per line, read in context: a near-good line alone among short lines (a teaser
    under a linked headline) counts little, and so does anything in a related-links list."""
    r = cfg.region
    out: list[float] = []
    listed = _parallel_runs(lines, cfg)
    linked = _link_lists(lines, cfg)
    repeated = _repeated(lines)
    for i, ln in enumerate(lines):
        w = r["list_item"] if i in listed and ln.cls in ("short", "bad") and not ln.furniture \
            else _weight(ln, cfg)
        alone = not any(_bodylike(lines, j) for j in (i - 1, i + 1))
        if ln.cls == "neargood" and not ln.terminal and alone:
            w = r["neargood_isolated"]
        elif ln.cls == "good" and alone:
            w = min(w, r["good_isolated"])
        if (i in linked or i in repeated) and w > 0:
            w = r["short_headline"]
        out.append(w)
    dry = 0
    for i, w in enumerate(out):  # a break between blocks of body evidence costs once (labels excepted)
        dry = dry + 1 if w <= 0 and not lines[i].furniture else 0 if w > 0 else dry
        if dry == r["break_lines"]:
            out[i] += r["break"]
    return out


def _shapes(ln: Line) -> set[str]:
    """How a line opens (digits, a month, a bullet) and its punctuation skeleton when it
    has figures in it ("North district - 90,000 ..." and "Hill district - 35,000 ..." share "-,#")."""
    words = ln.text.split()
    first = words[0].lower() if words else ""
    opening = ("#" if first[:1].isdigit() else "month" if _MONTH.match(first)
               else "bullet" if first[:1] in "•·-–—*▪►■●○◦" else "")
    out = {"open:" + opening} if opening else set()
    if any(ch.isdigit() for ch in ln.text):
        skeleton = re.sub(r"\d+", "#", re.sub(r"[^\W_]+|\s+", "", re.sub(r"\d[\d,.]*", "0", ln.text)))
        out.add("skeleton:" + skeleton)
    return out


def _parallel_runs(lines: list[Line], cfg: Config) -> set[int]:
    """Lines in runs of short lines that share a shape (1. 2. 3.; June 9 ..., June 10 ...; bullets;
    "X district - 90,000 ..."): a list in the article (tour dates, a schedule, figures), not a menu,
    whose labels each open differently."""
    out: set[int] = set()
    i = 0
    while i < len(lines):
        shared = _shapes(lines[i]) if lines[i].cls in ("short", "bad") else set()
        j = i + 1
        while shared and j < len(lines) and lines[j].cls in ("short", "bad") and shared & _shapes(lines[j]):
            shared &= _shapes(lines[j])
            j += 1
        if j - i >= cfg.inside["list_run"] and not lines[i].furniture:
            out.update(range(i, j))
        i = j
    return out | _tables(lines, cfg)


_CELL = re.compile(r"[-+±]?[\d.,:%/]+[%°*]?")


def _tables(lines: list[Line], cfg: Config) -> set[int]:
    """Lines of a table pasted one cell per line: a run of short lines in which figures alone on their
    line are a large share (a standings table, results, prices)."""
    out: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].cls in ("short", "bad") and lines[j].words <= 6:
            j += 1
        cells = sum(bool(_CELL.fullmatch(lines[k].text.strip())) for k in range(i, j))
        if j - i >= cfg.inside["table_run"] and cells >= cfg.inside["table_cells"] * (j - i):
            out.update(range(i, j))
        i = max(j, i + 1)
    return out


def _bodylike(lines: list[Line], j: int) -> bool:
    return 0 <= j < len(lines) and (lines[j].cls in ("good", "neargood") or (
        lines[j].cls == "short" and _short_shape(lines[j], cfg=None) == "short_sentence"))


def _weight(ln: Line, cfg: Config) -> float:
    r = cfg.region
    if ln.furniture:
        return r["furniture"]
    if ln.cls == "good":
        return r["good"] + r["good_per_100_chars"] * ln.chars / 100
    if ln.cls == "neargood":
        return r["neargood"]
    if ln.cls == "short":
        return r[_short_shape(ln, cfg)]
    return r["bad"]


def _short_shape(ln: Line, cfg: Config | None) -> str:
    """What a short line looks like: a sentence, a menu label, a headline link, or a fragment."""
    if ln.terminal and ln.words >= 3:
        return "short_sentence"
    if cfg is None:
        return "short"
    if ln.capitalised >= cfg.classify["menu_capitalised"] or ln.words <= 1:
        return "short_menu"
    if ln.words >= cfg.classify["headline_words"]:
        return "short_headline"
    return "short_fragment"


def _best_run(weights: Sequence[float], lo: int, hi: int) -> tuple[int, int, float]:
    """Maximum-sum run [start, end) of weights[lo:hi] (Kadane)."""
    best = (lo, lo, 0.0)
    start, total = lo, 0.0
    for i in range(lo, hi):
        if total <= 0:
            start, total = i, 0.0
        total += weights[i]
        if total > best[2]:
            best = (start, i + 1, total)
    return best


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _headline(lines: list[Line], title: str | None, before: int) -> int | None:
    """The last line before ``before`` that repeats the page title (or its part without the site's
    name, split at | - – — ::): the article's headline, which the body follows."""
    if not title:
        return None
    wanted = {_norm(title)} | {_norm(part) for part in re.split(r"\s+[|\-–—:·»]+\s+", title)
                                if len(part.split()) >= 3}
    wanted.discard("")
    hits = [i for i in range(min(before + 1, len(lines))) if _norm(lines[i].text) in wanted]
    return hits[-1] if hits else None


def _comments_start(lines: list[Line], weights: list[float], cfg: Config) -> int:
    """Where the comments begin: the first end-of-article marker with a body's worth of evidence
    before it (a comment count beside the headline is not the start of the comments)."""
    best = total = 0.0  # Kadane's running sums: the best run that ends before line i
    for i, ln in enumerate(lines):
        if ln.end_marker and best >= cfg.region["min_body"]:
            return i
        total = max(total, 0.0) + weights[i]
        best = max(best, total)
    return len(lines)


def _region(lines: list[Line], weights: list[float], title: str | None, cfg: Config) -> list[tuple[int, int]]:
    """The body region: the best run before the comments, begun after the headline."""
    limit = _comments_start(lines, weights, cfg)
    start, end, total = _best_run(weights, 0, limit)
    if total <= 0:
        return []
    first_good = next((i for i in range(start, end) if lines[i].cls == "good"), start)
    head = _headline(lines, title, first_good)
    if head is not None and head >= start:
        start = head + 1
    return [(start, end)]


def _menu_runs(lines: list[Line], lo: int, hi: int, cfg: Config) -> set[int]:
    """Indexes in [lo, hi) that belong to runs of short unpunctuated lines (menus, link lists)."""
    out: set[int] = set()
    run: list[int] = []
    for i in list(range(lo, hi)) + [hi]:
        ln = lines[i] if i < hi else None
        if ln is not None and not ln.terminal and ln.words <= cfg.inside["menu_line_words"]:
            run.append(i)
            continue
        if len(run) >= cfg.inside["menu_run"]:
            out.update(run)
        run = []
    return out


def _decide(lines: list[Line], runs: list[tuple[int, int]], cfg: Config) -> list[str | None]:
    reasons: list[str | None] = [_PREFIX + (ln.furniture or "outside-body") for ln in lines]
    listed = _parallel_runs(lines, cfg)
    linked = _link_lists(lines, cfg)
    for lo, hi in runs:
        menu = _menu_runs(lines, lo, hi, cfg) - listed
        for i in range(lo, hi):
            ln = lines[i]
            if ln.furniture:
                reasons[i] = _PREFIX + ln.furniture
            elif i in menu:
                reasons[i] = _PREFIX + "menu-run"
            elif i in linked and ln.cls != "good":
                reasons[i] = _PREFIX + "related-links"
            else:
                reasons[i] = None
    return reasons


@dataclass(slots=True)
class Analysis:
    """Every step's result, for ``find_body`` and for looking into a decision."""

    lines: list[Line]
    weights: list[float]
    runs: list[tuple[int, int]]
    reasons: list[str | None]


def analyse(lines: Sequence[str], title: str | None = None, config: Config | None = None) -> Analysis:
    """Run the steps of the module docstring on ``lines`` and keep what each step found."""
    cfg = config or load_config()
    stoplist = _language(lines, cfg)
    feats = _features(lines, stoplist, cfg)
    _classify(feats, cfg)
    result = Analysis(feats, [0.0] * len(feats), [], [None] * len(feats))
    if not any(ln.cls in ("good", "neargood") for ln in feats):
        return result  # no body evidence: leave the text as it is
    result.weights = _weights(feats, cfg)
    result.runs = _region(feats, result.weights, title, cfg)
    if result.runs:
        result.reasons = _decide(feats, result.runs, cfg)
    return result


def find_body(lines: Sequence[str], title: str | None = None, config: Config | None = None) -> list[str | None]:
    """For each line: None to keep it as body, or the rule that removes it as page furniture.
    ``title``: the page's title when known (the body starts after the line that repeats it)."""
    return analyse(lines, title, config).reasons if lines else []
