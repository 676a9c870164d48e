"""Scoring fused series against a reader's answer key: point F1, latest-correct rate,
disagreement F1 and independence accuracy.

    expected = json.loads(Path("tests/fixtures/scenario/expected.json").read_text())
    result = score(expected, cw_figures, cw_conflicts, doc_report)   # -> {"points": {...}, ...}

The answer key (format in ``tests/fixtures/scenario/README.md``) names reports by an id of the
corpus, series by measure + subject + rate, and origins by alias lists. ``doc_report`` maps
crosswire's document ids to those report ids (``report_names`` builds it from a JSONL corpus or a
folder of files). Matching rules, all stated here so a score means one thing:

* a series of the key matches the crosswire series of that measure and rate (running total when
  the key says null), with no place or kind scope, whose subject is one of the subject's aliases;
  of several, the one with the most matching points;
* a point matches a crosswire point of that series from the same report whose value is within
  0.5 %, and whose date agrees: both null, or one a prefix of the other (the key gives dates at the
  precision the report gives). Every other point of the matched series is a false positive;
* "latest" is right when the series' latest point has the key's value and a compatible date;
* a disagreement matches a crosswire record of the same kind (contradiction | divergence), series
  and period; every crosswire record that matches none is a false positive;
* an independence item is right when the points of its reports (and value or period) have exactly
  the key's origins: as many distinct origins, each one an alias of a key origin and each key
  origin present.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..names import normalize

VALUE_TOLERANCE = 0.005


# ---------------------------------------------------------------- report names

def report_names(corpus: Path, documents: Iterable[dict[str, Any]]) -> dict[str, str]:
    """crosswire document id -> report id: by title for a JSONL corpus (its ``id`` and ``title``
    fields), else by the file name without its extension."""
    titles: dict[str, str] = {}
    for path in ([corpus] if corpus.is_file() else sorted(corpus.rglob("*.jsonl"))):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                titles[(rec.get("title") or "").strip()] = str(rec["id"])
    out = {}
    for d in documents:
        name = titles.get((d.get("title") or "").strip())
        if name is None:
            name = Path(str(d.get("source") or "").split(" (")[0]).stem
        out[d["id"]] = name
    return out


# ---------------------------------------------------------------- matching helpers

def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b), 1.0)


def _dates_agree(expected: str | None, got: str | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return got.startswith(expected) or expected.startswith(got)


def _value(p: dict[str, Any]) -> float | None:
    for k in ("value", "low", "high"):
        if p.get(k) is not None:
            return float(p[k])
    return None


def _aliases(names: Iterable[str]) -> set[str]:
    return {normalize(n) for n in names}


def _is_alias(name: str | None, aliases: set[str]) -> bool:
    n = normalize(name or "")
    return bool(n) and any(a == n or f" {a} " in f" {n} " for a in aliases)


def _f1(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


class _Key:
    def __init__(self, expected: dict[str, Any], series: list[dict[str, Any]], doc_report: dict[str, str]) -> None:
        self.expected = expected
        self.series = series
        self.doc_report = doc_report
        self.subjects = {k: _aliases(v) for k, v in expected.get("subjects", {}).items()}
        self.origins = {k: _aliases(v) for k, v in expected.get("origins", {}).items()}
        self.specs = {s["name"]: s for s in expected["series"]}
        self.chosen = {name: self._choose(spec) for name, spec in self.specs.items()}

    def fits(self, spec: dict[str, Any], s: dict[str, Any]) -> bool:
        scope = s.get("scope") or {}
        rate = scope.get("period", "total")
        aliases = self.subjects.get(spec["subject"], _aliases([spec["subject"]]))
        return (s["measure"] == spec["measure"] and rate == (spec.get("rate") or "total")
                and not scope.get("place") and not scope.get("kind") and normalize(s["subject"]) in aliases)

    def _choose(self, spec: dict[str, Any]) -> dict[str, Any] | None:
        fits = [s for s in self.series if self.fits(spec, s)]
        return max(fits, key=lambda s: (len(self.match_points(spec["points"], s)[0]), -len(s["points"])), default=None)

    def report(self, p: dict[str, Any]) -> str | None:
        return self.doc_report.get(p["doc_id"])

    def match_points(self, wanted: list[dict[str, Any]], s: dict[str, Any],
                     dates: bool = True) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]]]:
        """(expected, got) pairs and the got points left over."""
        left = list(s["points"])
        pairs = []
        for e in wanted:
            hit = next((p for p in left if self.report(p) == e["report"] and _close(_value(p), e["value"])
                        and (not dates or _dates_agree(e.get("date"), p.get("date")))), None)
            if hit is not None:
                left.remove(hit)
                pairs.append((e, hit))
        return pairs, left

    def series_name(self, series_id: str) -> str | None:
        s = next((x for x in self.series if x["id"] == series_id), None)
        if s is None:
            return None
        return next((name for name, spec in self.specs.items() if self.chosen[name] is s), None)


# ---------------------------------------------------------------- the four measures

def score(expected: dict[str, Any], series: list[dict[str, Any]], conflicts: list[dict[str, Any]],
          doc_report: dict[str, str]) -> dict[str, Any]:
    """The four scores and, under ``misses``, what was wrong (for reading, not for tuning)."""
    key = _Key(expected, series, doc_report)
    misses: dict[str, list[Any]] = {"points": [], "extra_points": [], "latest": [], "disagreements": [],
                                    "independence": []}
    out = {"points": _points(key, True, misses), "points_any_date": _points(key, False, None),
           "latest": _latest(key, misses), "disagreements": _disagreements(key, conflicts, misses),
           "independence": _independence(key, misses)}
    out["misses"] = misses
    return out


def _points(key: _Key, dates: bool, misses: dict[str, list[Any]] | None) -> dict[str, Any]:
    tp = fp = fn = 0
    for name, spec in key.specs.items():
        s = key.chosen[name]
        if s is None:
            fn += len(spec["points"])
            if misses is not None:
                misses["points"] += [{"series": name, **e, "why": "no such series"} for e in spec["points"]]
            continue
        pairs, left = key.match_points(spec["points"], s, dates)
        tp += len(pairs)
        fp += len(left)
        fn += len(spec["points"]) - len(pairs)
        if misses is not None:
            found = [id(e) for e, _ in pairs]
            misses["points"] += [{"series": name, **e} for e in spec["points"] if id(e) not in found]
            misses["extra_points"] += [{"series": name, "report": key.report(p), "value": _value(p),
                                        "date": p.get("date"), "claim_id": p.get("claim_id")} for p in left]
    return _f1(tp, fp, fn)


def _latest(key: _Key, misses: dict[str, list[Any]]) -> dict[str, Any]:
    total = correct = 0
    for name, spec in key.specs.items():
        want = spec.get("latest")
        if not want:
            continue
        total += 1
        s = key.chosen[name]
        got = (s or {}).get("latest") or {}
        if s is not None and _close(_value(got), want["value"]) and _dates_agree(want.get("date"), got.get("date")):
            correct += 1
        else:
            misses["latest"].append({"series": name, "want": want,
                                     "got": {"value": _value(got), "date": got.get("date")} if got else None})
    return {"correct": correct, "total": total, "rate": round(correct / total, 3) if total else 0.0}


def _disagreements(key: _Key, conflicts: list[dict[str, Any]], misses: dict[str, list[Any]]) -> dict[str, Any]:
    want = [(d["kind"], d["series"], d["period"]) for d in key.expected.get("disagreements", [])]
    got = [(c["kind"], key.series_name(c["series_id"]), c["period"]) for c in conflicts]
    left = list(got)
    tp = 0
    by_kind: dict[str, list[int]] = {}
    for w in want:
        counts = by_kind.setdefault(w[0], [0, 0, 0])
        if w in left:
            left.remove(w)
            tp += 1
            counts[0] += 1
        else:
            counts[2] += 1
            misses["disagreements"].append({"missed": w})
    for g in left:
        by_kind.setdefault(g[0], [0, 0, 0])[1] += 1
        misses["disagreements"].append({"false": g})
    out = _f1(tp, len(left), len(want) - tp)
    out["by_kind"] = {k: _f1(*v) for k, v in sorted(by_kind.items())}
    return out


def _independence(key: _Key, misses: dict[str, list[Any]]) -> dict[str, Any]:
    items = key.expected.get("independence", [])
    correct = 0
    for item in items:
        s = key.chosen.get(item["series"])
        pts = [p for p in (s or {}).get("points", []) if key.report(p) in item["reports"]
               and ("value" not in item or _close(_value(p), item["value"]))
               and ("period" not in item or (p.get("date") or "").startswith(item["period"]))]
        got = {p.get("origin") or "" for p in pts}
        wanted = {k: key.origins.get(k, _aliases([k])) for k in item["origins"]}
        ok = (bool(pts) and len(got) == len(wanted)
              and all(any(_is_alias(g, a) for a in wanted.values()) for g in got)
              and all(any(_is_alias(g, a) for g in got) for a in wanted.values()))
        correct += ok
        if not ok:
            misses["independence"].append({"item": item.get("why") or item["series"], "want": item["origins"],
                                           "got": sorted(got), "points": len(pts)})
    return {"correct": correct, "total": len(items), "accuracy": round(correct / len(items), 3) if items else 0.0}
