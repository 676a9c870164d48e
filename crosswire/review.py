"""The analyst's review, on the engine: look at one claim, correct or dismiss it, dismiss a conflict.

    cw.claim("85")                                     # or "3f2a9c1b7e:120-135" (report id prefix:start-end)
    cw.review_claim("85", {"as_of": "2025-01", "measure": "killed"}, analyst="kim")
    cw.review_claim("85", dismiss=True, reason="a shell calibre, not a count", analyst="kim")
    cw.review_conflict("divergence:north-korea.killed.person@2025-01", reason="one briefing", analyst="kim")

Corrections are stored by the store (``crosswire/store/review.py``) under the report's content-hash id
and the figure's offsets, and applied to the claims rows; so series, conflicts, the timeline, reports
and exports all read the reviewed ledger, and a correction outlives re-ingest and re-extraction.
Each value is checked here (``FIELDS``): an unknown field, measure, qualifier or date is an error that
lists what is valid. Every review records who made it (``analyst``; the CLI defaults to $USER) and when.
Writes go through a short writing connection when the engine reads read-only (the dashboard, `crosswire
claim` without a change), so the knowledge base is never created by a review.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .checks import check_date, check_measure
from .errors import NotFound, SettingsError

if TYPE_CHECKING:
    import threading

    from .extract.vocab import Vocab
    from .resources import Resources
    from .store.sqlite import Store

Parser = Callable[[str], Any]
MAX_TEXT = 300  # characters of a reviewed text field
_REF = re.compile(r"\s*([^\s:#]{1,64}):(\d+)-(\d+)\s*")


def _number(text: str) -> float:
    try:
        return float(text.replace(",", "").replace("_", "").strip())
    except ValueError:
        raise SettingsError(f"cannot read {text!r} as a number (write it like 3000 or 3,000.5)") from None


def _text(text: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise SettingsError("an empty value: to return a field to what extraction said, use --unset FIELD")
    if len(value) > MAX_TEXT:
        raise SettingsError(f"a value of {len(value)} characters; at most {MAX_TEXT}")
    return value


def _as_of(text: str) -> str | None:
    if text.strip().casefold() in ("none", "undated"):
        return None
    return check_date(text, "an as-of date")


def _measure(text: str, v: Vocab | None = None) -> str:
    value = check_measure(text, v)
    if value is None:
        raise SettingsError("an empty measure: to return it to what extraction said, use --unset measure")
    return value


def qualifiers() -> tuple[str, ...]:
    from .fuse.rules import rules

    r = rules()
    return (*r.width, *sorted(r.lower), *sorted(r.upper))


def _qualifier(text: str) -> str:
    value = text.strip().casefold().replace(" ", "_")
    if value not in qualifiers():
        raise SettingsError(f"unknown qualifier {text!r}; the qualifiers are: {', '.join(qualifiers())}")
    return value


def _flag(text: str) -> bool:
    value = text.strip().casefold()
    if value in ("true", "yes", "1", "y"):
        return True
    if value in ("false", "no", "0", "n"):
        return False
    raise SettingsError(f"cannot read {text!r} as true or false (true/false, yes/no, 1/0)")


# field -> (what it is, how its text is read)
FIELDS: dict[str, tuple[str, Parser]] = {
    "as_of": ("the date the figure is true of: YYYY, YYYY-MM, YYYY-MM-DD, or none", _as_of),
    "measure": ("what it counts: one of the measures", _measure),
    "subject": ("whose figure it is (a name)", _text),
    "source": ("who asserts it (a name; the attribution chain becomes this source alone)", _text),
    "value": ("the number", _number),
    "low": ("the lower end of a range", _number),
    "high": ("the upper end of a range", _number),
    "qualifier": ("exact, approx, range, more_than, at_least, less_than, at_most or up_to", _qualifier),
    "unit": ("the unit (person, USD, percent, ...)", _text),
    "counted": ("the counted noun (soldiers, shells, ...)", _text),
    "location": ("where (a place name)", _text),
    "hedge": ("the hedge word (reportedly, estimated, ...)", _text),
    "conditional": ("whether the figure is hypothetical: true or false", _flag),
}


def fields_help() -> str:
    return "; ".join(f"{name}: {what}" for name, (what, _) in FIELDS.items())


def parse_changes(pairs: dict[str, str], v: Vocab | None = None) -> dict[str, Any]:
    """Field values as the store keeps them, each checked (SettingsError naming the field and what is valid);
    a measure is one of the claims vocabulary ``v`` (the engine's; the bundled one when None)."""
    out: dict[str, Any] = {}
    for name, text in pairs.items():
        key = name.strip().casefold().replace("-", "_")
        if key not in FIELDS:
            raise SettingsError(f"unknown field {name!r}; the fields you can set are: {', '.join(FIELDS)}")
        try:
            out[key] = _measure(text, v) if key == "measure" else FIELDS[key][1](text)
        except SettingsError as exc:
            raise SettingsError(f"{key}: {exc}") from None
        if key == "source":
            out["attribution"] = [out[key]]
        if key == "as_of":
            out["as_of_rule"] = "analyst"
    return out


def parse_assignments(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``FIELD=VALUE`` strings (from ``--set``) as a dict; an item without ``=`` is an error."""
    out: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise SettingsError(f"--set takes FIELD=VALUE, not {item!r}; the fields are: {', '.join(FIELDS)}")
        out[name.strip()] = value
    return out


def check_unset(names: list[str] | tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for name in names:
        key = name.strip().casefold().replace("-", "_")
        if key not in FIELDS:
            raise SettingsError(f"unknown field {name!r}; the fields you can unset are: {', '.join(FIELDS)}")
        out += [key] + (["attribution"] if key == "source" else []) + (["as_of_rule"] if key == "as_of" else [])
    return out


def default_analyst() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "analyst"


class ReviewSide:
    """Mixed into ``Crosswire`` (which provides ``store``, ``settings``, ``read_only`` and the read side)."""

    settings: dict[str, Any]
    resources: Resources
    read_only: bool

    if TYPE_CHECKING:
        @property
        def store(self) -> Store: ...

        def conflicts(self) -> list[dict[str, Any]]: ...

        def dismissed_conflicts(self) -> list[dict[str, Any]]: ...

        def claim_series(self, claim_id: int) -> list[str]: ...

        @property
        def lock(self) -> threading.RLock: ...

    @contextmanager
    def _writer(self) -> Iterator[Store]:
        """A store that may write: the engine's own, or (when it reads read-only) a short writing connection
        to the same knowledge base, opened only after the read-only one found it exists."""
        store = self.store
        if not self.read_only:
            yield store
            return
        from .store import open_store

        writer = open_store(self.settings["db"])
        try:
            yield writer
        finally:
            writer.close()

    def resolve_claim(self, ref: str | int) -> int:
        """A claim id from an id (``85``, ``#85``) or a report id prefix and offsets (``3f2a9c1b7e:120-135``)."""
        if isinstance(ref, int):
            return ref
        text = str(ref).strip().lstrip("#")
        if text.isdigit():
            return int(text)
        m = _REF.fullmatch(text)
        if m is None:
            raise NotFound(f"cannot read {ref!r} as a claim: give its id (85, from `crosswire conflicts` or "
                           "`crosswire series ID`) or REPORT:START-END (a report id prefix and the figure's offsets)")
        doc_id = self.store.resolve_id(m.group(1))
        return self.store.claim_at(doc_id, int(m.group(2)), int(m.group(3)))

    def claim(self, ref: str | int) -> dict[str, Any]:
        """One claim: every field (reviewed), what extraction said of each reviewed field, its sentence, its
        report, the statements it sits in (speaker, cue, chain), the review history and its series."""
        with self.lock:  # the dashboard reads from several threads over one connection
            return self._claim(ref)

    def _claim(self, ref: str | int) -> dict[str, Any]:
        from .fuse.rules import figure_text

        row = self.store.claim_row(self.resolve_claim(ref))
        doc = {"id": row.pop("doc_id"), "title": row.pop("title"), "publisher": row.pop("publisher"),
               "published": row.pop("published"), "url": row.pop("url"), "source": row.pop("doc_source"),
               "key": row.pop("doc_key")}
        out: dict[str, Any] = {
            **row, "ref": f"{doc['id'][:12]}:{row['start']}-{row['end']}", "document": doc, "doc_id": doc["id"],
            "figure": figure_text(row["value"], row["low"], row["high"], row["qualifier"], row["unit"]),
            "chain": row.get("attribution") or [], "dismissed": bool(row.get("dismissed")),
            "extracted": row.get("extracted") or {},
            "statements": self.store.statements_around(doc["id"], row["start"] or 0, row["end"] or 0),
            "reviews": self.store.reviews_of_claim(row["id"]),
            "series": self.claim_series(row["id"]),
        }
        return out

    def review_claim(self, ref: str | int, changes: dict[str, str] | None = None, unset: list[str] | tuple[str, ...] = (),
                     dismiss: bool | None = None, reason: str | None = None, analyst: str | None = None) -> dict[str, Any]:
        """Correct fields of one claim (``changes``: field -> text, checked by ``FIELDS``), return fields to what
        extraction said (``unset``), dismiss or restore it; recorded with ``analyst`` and the time. The claim after."""
        values = parse_changes(changes or {}, self.resources.claims_vocab)
        cleared = check_unset(unset)
        if not values and not cleared and dismiss is None:
            raise SettingsError("nothing to change: give --set FIELD=VALUE, --unset FIELD, --dismiss or --restore "
                                f"(the fields are: {', '.join(FIELDS)})")
        with self.lock:
            claim_id = self.resolve_claim(ref)
            with self._writer() as store:
                store.add_claim_review(claim_id, values, cleared, dismiss, _reason(reason),
                                       _analyst(analyst))
            return self._claim(claim_id)  # a review changes the row in place: the id stays

    def review_conflict(self, conflict_id: str, dismiss: bool = True, reason: str | None = None,
                        analyst: str | None = None) -> dict[str, Any]:
        """Dismiss (or restore) a contradiction or divergence by its id; the conflict, with its review."""
        known = {c["id"]: c for c in self.conflicts()}
        dismissed = {c["id"]: c for c in self.dismissed_conflicts()}
        target = known.get(conflict_id) or dismissed.get(conflict_id)
        if target is None:
            from .fuse.service import _unknown

            raise NotFound(_unknown("conflict", conflict_id, [*known, *dismissed], "crosswire conflicts --json"))
        if dismiss and conflict_id in dismissed:
            raise SettingsError(f"conflict {conflict_id!r} is already dismissed ({_said(dismissed[conflict_id])})")
        if not dismiss and conflict_id in known:
            raise SettingsError(f"conflict {conflict_id!r} is not dismissed")
        with self.lock, self._writer() as store:
            store.add_conflict_review(conflict_id, dismiss, _reason(reason), _analyst(analyst))
        return {**target, "dismissed": dismiss, "reason": _reason(reason)}


def _reason(reason: str | None) -> str | None:
    text = " ".join((reason or "").split())
    if len(text) > 1000:
        raise SettingsError(f"a reason of {len(text)} characters; at most 1000")
    return text or None


def _analyst(name: str | None) -> str:
    text = " ".join((name or "").split()) or default_analyst()
    if len(text) > 100:
        raise SettingsError(f"an analyst name of {len(text)} characters; at most 100")
    return text


def _said(conflict: dict[str, Any]) -> str:
    review = conflict.get("review") or {}
    return f"by {review.get('analyst')} at {review.get('created_at')}" + (
        f": {review['reason']}" if review.get("reason") else "")
