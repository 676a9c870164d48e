"""Parsers for report layouts beyond one-regex line rules: datelines, credit lines, speaker turns,
outlet names and site titles. Vocabulary comes from data/layouts.toml and the gazetteer's outlets.

Public functions, each a parser of one line or one name (the cleaner and the metadata cascade call them):
- ``read_dateline(line)``   "BRUSSELS, March 3 (Reuters) -" -> Dateline(place, month, day, publisher);
                            the dateline regexes are the ``dateline`` rules of data/clean.toml;
- ``dateline_span(body)``   (start, end) of the first dateline of a clean body, its dash and the space
                            after it included (what extraction keeps out of subjects, speakers and
                            contents; the parser ends a sentence there);
- ``credit_line(line)``     "Reporting by A in B; additional reporting by C; Editing by D" ->
                            [(name, is_author)] — reporters and writers are authors, editors are not;
- ``speaker_turn(line)``    "ANCHOR: text", "Anchor : text", "Q: text", "MS. LEE: text" -> Turn(role,
                            label, rest, keep_label); role labels are taken off the line, a label that
                            names a person stays in the text (it says who is speaking);
- ``outlet_name(text)``     the canonical name of an outlet written exactly so ("AP" -> "Associated
                            Press", "연합뉴스" -> "Yonhap News Agency"), else None;
- ``outlet_prefix(text)``   the longest outlet name that ``text`` starts with ("The Washington Post.
                            All rights reserved." -> "The Washington Post");
- ``masthead(line)``        a short line that is only an outlet's name -> that outlet;
- ``headline_of(title, publisher)`` a page title without the site's name; None when the title is only
                            the site's name or a generic page name ("Home | Example News").

Hooks the cleaner calls per line (they fill its Clues and name the rule of a removed line):
- ``stamp_line``   header dates ("date-header": the first lines, or a labelled entry/edit stamp in
                   the first HEADER_ZONE lines) and bare timestamps in a footer ("timestamp");
- ``tail_stamps``  bare timestamps that end the report ("timestamp");
- ``headline_above`` when the first line is not the headline: the kept line right above the byline
                   or date line ("title");
- ``layout_line``  bylines of several names ("byline"; only the first byline names authors), credit
                   lines ("credit-line"; likewise the first) and mastheads ("masthead");
- ``note_dateline`` the first dateline of the body (kept as text);
- ``take_turn``    a speaker label taken off a line ("speaker-label") and the role it sets; the
                   turn labels of interviews and briefings ("Q:", "A:", "MS. LEE:") stay in the text.

Outlets are the entries of the gazetteer's "outlets" section (data/gazetteer.toml) plus the
``[[outlet]]`` entries of data/layouts.toml; names match after ``crosswire.names.alias_key``
(case, punctuation, a leading "The"); short all-capital aliases ("AP") match only in capitals.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from typing import Protocol, TypeVar

from ..models import RemovedLine
from ..names import GAZETTEER_PATH as GAZETTEER, alias_key
from ..dates import find_dates, header_stamp, month_number
from .rules import first_match

LAYOUTS = Path(__file__).resolve().parent.parent / "data" / "layouts.toml"
_SECTION = re.compile(r"^# -{10,} (?P<name>.+)$", re.M)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·:]+\s+|\s+-\s+|\s*::\s*|\s*\|\s*")
_L = TypeVar("_L", bound="_Line")
HEADER_ZONE = 40  # a labelled entry/edit stamp ("기사입력 …", "Published …") sits among the first lines
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’.-]*|bin|van|von|de|da|del|la|le|du|dos|al|ten|ter)$")
_ADDRESS = re.compile(r"[\[(<]?[\w.+-]+@[\w-]+\.[\w.]+[\])>]?")
_BYLINE = re.compile(r"^by\s+(?P<names>[A-Z].*?)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Dateline:
    place: str | None
    month: int | None
    day: int | None
    publisher: str | None
    year: int | None = None  # only when the dateline writes it ("March 3, 2024")


@dataclass(slots=True)
class Clues:
    """What the cleaner read about the report while cleaning (fed to the metadata cascade)."""

    header_date: str | None = None
    header_kind: str = ""  # entry | edit | plain (an entry time beats an edit time)
    dateline: Dateline | None = None
    title: str | None = None
    publishers: list[tuple[str, str]] = field(default_factory=list)  # (layer, name)
    authors: list[tuple[str, str]] = field(default_factory=list)  # (layer, name)


@dataclass(frozen=True, slots=True)
class Turn:
    role: str  # anchor | reporter | question | answer | speaker
    label: str  # the label as written, colon included
    rest: str  # the statement after the label ('' when the label stands alone on its line)
    keep_label: bool  # a named speaker label stays in the text


@lru_cache(maxsize=1)
def layout_data() -> dict[str, Any]:
    """The parsed data/layouts.toml (read once)."""
    return tomllib.loads(LAYOUTS.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- outlets

def _gazetteer_outlets() -> list[dict[str, Any]]:
    """The [[entry]] tables of the gazetteer's "outlets" section (between its section comments)."""
    text = GAZETTEER.read_text(encoding="utf-8")
    heads = list(_SECTION.finditer(text))
    for i, h in enumerate(heads):
        if h.group("name").strip().lower() == "outlets":
            end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
            entries: list[dict[str, Any]] = tomllib.loads(text[h.end():end]).get("entry", [])
            return entries
    return []


def _upper_only(alias: str) -> bool:
    letters = [ch for ch in alias if ch.isalpha()]
    return bool(letters) and len(letters) <= 4 and all(ch.isupper() for ch in letters)


@lru_cache(maxsize=1)
def _outlets() -> dict[str, tuple[str, bool]]:
    """alias key -> (canonical name, needs capitals)."""
    index: dict[str, tuple[str, bool]] = {}
    for entry in _gazetteer_outlets() + list(layout_data().get("outlet", [])):
        for alias in (entry["name"], *entry.get("aliases", [])):
            key = alias_key(alias)
            if key and key not in index:
                index[key] = (entry["name"], _upper_only(alias))
    return index


def outlet_name(text: str) -> str | None:
    """Canonical name of the outlet written exactly as ``text`` (after normalisation), else None."""
    hit = _outlets().get(alias_key(text))
    if not hit:
        return None
    name, upper = hit
    if upper and not re.sub(r"^\s*the\s+", "", text.strip(), flags=re.I).isupper():
        return None
    return name


def outlet_prefix(text: str) -> str | None:
    """The longest outlet name (up to six words) that ``text`` begins with, as the outlet is named."""
    words = text.split()
    for n in range(min(6, len(words)), 0, -1):
        name = outlet_name(" ".join(words[:n]).rstrip(".,;:"))
        if name:
            return name
    return None


def masthead(line: str) -> str | None:
    """A short line that is only an outlet's name (the page's masthead or a wire's name line)."""
    if len(line.split()) > int(layout_data()["outlet_words"]["masthead_max_words"]):
        return None
    return outlet_name(line.strip(" .|·-–—"))


def headline_of(title: str, publisher: str | None) -> str | None:
    """``title`` without the parts that name the site; None when nothing but the site is named."""
    generic = {alias_key(w) for w in layout_data()["site_titles"]["generic"]}
    site = {alias_key(publisher)} if publisher else set()
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p and p.strip()]
    kept = [p for p in parts if alias_key(p) not in generic and alias_key(p) not in site and not outlet_name(p)]
    if not kept:
        return None
    if len(kept) == len(parts):
        return title.strip()
    return max(kept, key=len) if len(kept) > 1 else kept[0]


# ---------------------------------------------------------------- datelines

def read_dateline(line: str) -> Dateline | None:
    """Place, month/day and outlet of a wire dateline at the start of ``line`` (clean.toml ``dateline``)."""
    hit = first_match("dateline", line)
    if not hit:
        return None
    g = hit[1].groupdict()
    place = (g.get("place") or "").strip(" ,") or None
    if place and place.isupper():
        place = place.title()
    if place and g.get("region"):
        place = f"{place}, {g['region'].strip()}"
    month = day = year = None
    if g.get("date"):
        mon, *nums = g["date"].replace(",", " ").split()
        month = month_number(mon)
        day = int(nums[0]) if nums and nums[0].isdigit() else None
        year = int(nums[1]) if len(nums) > 1 and nums[1].isdigit() else None
    publisher = (g.get("publisher") or "").strip() or None
    if publisher:
        publisher = outlet_name(publisher) or (publisher if len(publisher.split()) <= 2 and place else None)
    if not (place or publisher):
        return None
    return Dateline(place, month, day if month else None, publisher, year if month else None)


_DATELINE_TAIL = re.compile(r"\)?\s*(?:[-_—–]{1,3})?\s*")


def dateline_end(paragraph: str) -> int | None:
    """Where the text after a dateline at the start of ``paragraph`` begins (after its dash), or None."""
    if not paragraph[:1].isupper() and not paragraph.startswith("("):
        return None
    hit = first_match("dateline", paragraph)
    if not hit or read_dateline(paragraph) is None:
        return None
    m = hit[1]
    groups = m.groupdict()
    last = max((m.end(g) for g, v in groups.items() if v is not None), default=-1)
    if last < 0:
        return None
    tail = _DATELINE_TAIL.match(paragraph, last)
    end = tail.end() if tail else last
    return end if end < len(paragraph) else None


def dateline_span(body: str) -> tuple[int, int] | None:
    """The first dateline of a clean body (paragraphs joined by blank lines), as ``note_dateline`` reads
    it: (start, end) with the dash and the space after it; None when no paragraph starts with one."""
    pos = 0
    for para in body.split("\n\n"):
        end = dateline_end(para)
        if end is not None:
            return pos, pos + end
        pos += len(para) + 2
    return None


# ---------------------------------------------------------------- credit lines

@lru_cache(maxsize=1)
def _credit_roles() -> tuple[re.Pattern[str], frozenset[str]]:
    roles = layout_data()["credits"]
    words = sorted(roles["author"] + roles["other"] + ["with assistance"], key=len, reverse=True)
    clause = re.compile(rf"^\s*(?P<role>{'|'.join(re.escape(w) for w in words)})\s+(?:by|from)\s+(?P<names>.+?)\s*$",
                        re.I)
    return clause, frozenset(w.lower() for w in roles["author"] + ["with assistance"])


def _names(text: str) -> list[str]:
    out = []
    for piece in re.split(r",\s*|\s+and\s+|\s*&\s*", text.strip(" .()")):
        name = re.split(r"\s+(?:in|from|at)\s+", piece.strip(" ."), maxsplit=1)[0].strip(" .")
        tokens = name.split()
        if 2 <= len(tokens) <= 5 and tokens[0][:1].isupper() and all(_NAME_TOKEN.match(t) for t in tokens):
            out.append(name)
    return out


def byline_names(line: str) -> tuple[list[str], str | None] | None:
    """'By JANE ROE and John Doe, The Korea Herald' -> (['Jane Roe', 'John Doe'], 'The Korea Herald')
    when every part is a name (a known outlet may end the line); None otherwise."""
    m = _BYLINE.match(_ADDRESS.sub("", line).strip())
    if not m or len(line.split()) > 14:
        return None
    pieces = [p.strip(" .") for p in re.split(r",\s*|\s+and\s+|\s*&\s*|\s*[|/]\s*", m.group("names")) if p.strip(" .")]
    outlet = outlet_name(pieces[-1]) if pieces else None
    if outlet:
        pieces.pop()
    names = _names(", ".join(pieces)) if pieces else []
    if not names or len(names) != len(pieces):
        return None
    return [n.title() if n.isupper() else n for n in names], outlet


def credit_line(line: str) -> list[tuple[str, bool]] | None:
    """Names of a credit line with whether each is an author; None when the line is not one.

    Clauses "<role> by <names>" split at ";"; every clause must read so.
    """
    text = line.strip().lstrip("-–— ").strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    clause_re, authors = _credit_roles()
    found: list[tuple[str, bool]] = []
    for clause in filter(None, (c.strip() for c in re.split(r"[;；]", text.rstrip(". ")))):
        m = clause_re.match(clause)
        if not m:
            return None
        found += [(n, m.group("role").lower() in authors) for n in _names(m.group("names"))]
    return found if found else None


# ---------------------------------------------------------------- speaker turns

@lru_cache(maxsize=1)
def _turn_patterns() -> tuple[list[tuple[str, re.Pattern[str]]], re.Pattern[str]]:
    spk = layout_data()["speakers"]
    roles = []
    for role in ("anchor", "reporter", "question", "answer"):
        words = "|".join(re.escape(w) for w in sorted(spk[role], key=len, reverse=True))
        roles.append((role, re.compile(rf"^(?P<label>(?:{words})\s*[:：])(?:\s+(?P<rest>\S.*))?$", re.I)))
    hon = "|".join(re.escape(w) for w in sorted(spk["honorifics"], key=len, reverse=True))
    n = int(spk["max_label_words"])
    named = re.compile(
        rf"^(?P<label>(?:(?i:{hon})\.?\s+[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){{0,{n - 2}}}"
        rf"|[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){{0,{n - 1}}})"
        rf"(?P<title>,\s*[A-Z][A-Z0-9 .'’&/-]{{1,40}})?(?:\s*\([\w .,'’/-]{{1,30}}\))?\s*[:：])(?:\s+(?P<rest>\S.*))?$")
    return roles, named


@lru_cache(maxsize=1)
def _label_words() -> tuple[frozenset[str], frozenset[str]]:
    spk = layout_data()["speakers"]
    return frozenset(w.lower() for w in spk["alone_only"]), frozenset(alias_key(w) for w in spk["not_labels"])


def speaker_turn(line: str) -> Turn | None:
    """The speaker label at the start of a transcript line, its role and the statement after it."""
    roles, named = _turn_patterns()
    alone_only, not_labels = _label_words()
    for role, pat in roles:
        m = pat.match(line)
        if m and m.group("rest") and m.group("label").rstrip(":： ").lower() in alone_only:
            return None
        if m:  # Q:/A: mark the turns of an interview or briefing: they stay in the text
            return Turn(role, m.group("label"), m.group("rest") or "", role in ("question", "answer"))
    m = named.match(line)
    if m and len(m.group("label")) > 2 and alias_key(m.group("label")) not in not_labels:
        return Turn(_titled_role(m.group("title") or ""), m.group("label"), m.group("rest") or "", True)
    return None


def _titled_role(title: str) -> str:
    """'JOHN VAUSE, CNN ANCHOR:' speaks as the anchor; 'WILL RIPLEY, CNN CORRESPONDENT:' as the reporter."""
    words = set(re.findall(r"[\w-]+", title.lower()))
    spk = layout_data()["speakers"]
    for role in ("anchor", "reporter"):
        if words & {w.lower() for w in spk[role] if " " not in w}:
            return role
    return "speaker"


# ---------------------------------------------------------------- cleaner hooks

def stamp_line(line: str, in_header: bool, nonempty_seen: int, clues: Clues, in_footer: bool = False) -> str | None:
    """'date-header' or 'timestamp' for a line that is only a date stamp (clues take the entry time).

    Outside the header only a bare stamp in a footer ("(END)" then "2024/11/02 15:30 KST") is removed
    here; a dated line inside the page ("— Name (@handle) Nov. 18, 2019", a related story's date) is
    left to the body/furniture classifier, and bare stamps that end the report go in ``tail_stamps``.
    """
    stamp = header_stamp(line)
    if stamp is None:
        return None
    better = clues.header_date is None or (stamp.kind == "entry" and clues.header_kind != "entry")
    header = in_header or (stamp.kind != "plain" and nonempty_seen < HEADER_ZONE and better)
    if not header:
        return "timestamp" if in_footer and stamp.rest_words <= 1 else None
    if clues.header_date is None or (stamp.kind == "entry" and clues.header_kind != "entry"):
        clues.header_date, clues.header_kind = stamp.iso, stamp.kind
    if nonempty_seen == 0 and stamp.kind == "plain" and clues.title is None:
        lead = re.findall(r"\w+", line[:find_dates(line)[0][1].start()])
        if len(lead) >= 2:  # "Department Press Briefing – November 4, 2024": a headline that carries its date
            clues.title = line
    return "date-header"


class _Line(Protocol):
    text: str
    lineno: int


def tail_stamps(paras: list[_L], removed: list[RemovedLine]) -> list[_L]:
    """Bare timestamps that end the report ("2024/11/02 15:30 KST" at the foot of wire copy) go."""
    while paras:
        stamp = header_stamp(paras[-1].text)
        if stamp is None or stamp.rest_words > 1:
            break
        last = paras.pop()
        removed.append(RemovedLine(last.text, "timestamp", last.lineno + 1))
    return paras


_HEADLINE_END = re.compile(r"[.:;,]$")
_ANCHOR_RULES = frozenset({"byline", "date-header", "credit-line"})


def headline_above(paras: list[_L], removed: list[RemovedLine], clues: Clues) -> list[_L]:
    """A page's headline is the kept line right above its byline or date line ("Skip to content",
    menus, then the headline, then "By …" / "Published …"): it becomes the title (rule "title")."""
    anchors = sorted(r.lineno - 1 for r in removed if r.rule in _ANCHOR_RULES)
    for anchor in anchors:
        above = [p for p in paras if p.lineno < anchor]
        if not above:
            continue
        cand = above[-1]
        words = cand.text.split()
        if (3 <= len(words) <= 30 and not _HEADLINE_END.search(cand.text) and not cand.text.startswith(("[", "［"))
                and not first_match("dateline", cand.text) and len(paras) > len(above)):
            clues.title = cand.text
            removed.append(RemovedLine(cand.text, "title", cand.lineno + 1))
            return [p for p in paras if p is not cand]
        return paras
    return paras


def layout_line(line: str, clues: Clues) -> str | None:
    """'credit-line' (authors noted: reporters and writers) or 'masthead' (publisher noted), else None."""
    byline = byline_names(line)  # several names ("By A and B"); one name is clean.toml's byline rule
    seen = any(layer == "byline" for layer, _ in clues.authors)
    single = first_match("remove", line, name="byline") if byline or seen else None
    if (byline or single) and seen:
        return "byline"  # a later byline belongs to a listed story, not to this report
    if byline and not single:
        names, outlet = byline
        clues.authors += [("byline", name) for name in names]
        if outlet:
            clues.publishers.append(("byline", outlet))
        return "byline"
    credits = credit_line(line)
    if credits:  # the first credit line is the report's; more are bylines of listed stories
        if not any(layer == "credit-line" for layer, _ in clues.authors):
            clues.authors += [("credit-line", name) for name, is_author in credits if is_author]
        return "credit-line"
    outlet = masthead(line)
    if outlet:
        clues.publishers.append(("masthead", outlet))
        return "masthead"
    return None


def note_dateline(line: str, clues: Clues) -> None:
    """Keep the first dateline of the report in the clues (the line itself stays body text)."""
    if clues.dateline is not None:
        return
    found = read_dateline(line)
    if found:
        clues.dateline = found
        if found.publisher:
            clues.publishers.append(("dateline", found.publisher))


def take_turn(line: str, lineno: int, removed: list[RemovedLine]) -> tuple[str, str | None, str | None]:
    """The line without its role label (kept as a removed fragment), the role of this paragraph and
    the role of the paragraphs after it (None: unchanged).

    Anchor and reporter labels ("ANCHOR:", "Reporter :") hold until the next label, as "[Anchor]"
    does; a turn that names its speaker or asks/answers ("MS. LEE: …", "JOHN ROE, CNN ANCHOR: …",
    "Q: …") is the role of its own paragraph only — so one "FTC: …" or "WATCH:" line in a page does
    not recast what follows.
    """
    turn = speaker_turn(line)
    if turn is None:
        return line, None, None
    sticky = turn.role in ("anchor", "reporter") and not turn.keep_label
    if turn.keep_label:
        return line, turn.role, turn.role if sticky else None
    removed.append(RemovedLine(turn.label, "speaker-label", lineno))
    return turn.rest, turn.role, turn.role if sticky else None
