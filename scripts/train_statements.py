"""Learn crosswire/data/statement_model.json (the statement filter) from hand-annotated attribution relations.

    .venv/bin/python scripts/train_statements.py ../shared/eval/polnear/train.jsonl ../shared/eval/polnear/train.gold.json

Every statement crosswire's own extraction makes on an article (the whole pipeline, with the filter
keeping everything; transcript turns and "citing" phrases, which the filter never judges, left out) is an example: its features (``statement_filter.relation_features``) and whether it
matches a hand-annotated relation with the right source, by the project's eval rules (each content covers
at least half of the other's content words, one-to-one, best first, over all the article's quote records;
the source is right when the annotated mention's last content word is among the speaker's or the
speaker-as-written's words, or the speaker's last word is in the mention; pronoun sources are not
checked). A logistic regression is fitted by stochastic gradient descent (scripts/train_cues.py's ``fit``,
fixed seed). The cut is the one that maximises attribution F1 over the fitted articles, each scored by a
model fitted without it (5 folds): the shipped weights are then refit on all of them.
Options: --cache FILE keeps the parsed articles (a spaCy DocBin) so a second run skips parsing;
--out FILE (default crosswire/data/statement_model.json); --fit A:B fits on articles A..B-1 only (input
order) and --measure A:B reports attribution P/R/F1 without and with the filter on other articles (the
numbers of the eval, up to the few quotes a dropped statement would give back to the quote finder);
--min-count N leaves out features seen in fewer than N examples (default 5).
After a change to statements.py or attribution.py, run this again (the examples are what the
extraction now makes) and commit the new model with the change.
"""
from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_cues import fit  # noqa: E402

from crosswire.extract.cues import CueTable  # noqa: E402
from crosswire.extract.statement_filter import judged, relation_features  # noqa: E402
from crosswire.extract.statements import quotations  # noqa: E402

ABOUT = ("Logistic-regression statement filter for crosswire/extract/statement_filter.py, written by "
         "scripts/train_statements.py from PolNeAR v1.0.0 (networkdynamics/PolNeAR; Newell, Margolin and Ruths, "
         "LREC 2018), train split: {docs} US political news articles, {examples} statements crosswire made on them, "
         "labelled by whether each matches a hand-annotated relation with its source (the project's eval rules); "
         "parsed with {model}. Feature weights only; no text of the corpus. Cut chosen on the same articles, each "
         "scored by a model fitted without it (5 folds): {held}.")
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me", "who", "which", "that"}
FUNCTION = {"the", "a", "an", "of", "s", "and", "his", "her", "its", "their", "our", "my", "your", "this",
            "these", "those", "that", "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "president"}


def content_words(text: object) -> list[str]:
    return [w for w in re.findall(r"\w+", str(text or "").casefold()) if w not in FUNCTION]


def source_ok(gold_source: str, pred: dict) -> bool:
    gw = content_words(gold_source)
    if not gw:
        return False
    said = set(content_words(pred.get("speaker"))) | set(content_words(pred.get("speaker_text")))
    sw = content_words(pred.get("speaker"))
    return gw[-1] in said or bool(sw and sw[-1] in gw)


@dataclass
class Article:
    """One article's candidate matches: (score, gold, pred, source right) and which preds the filter judges."""

    n_gold: int
    n_pred: int
    pairs: list[tuple[float, int, int, bool]]
    judged: dict[int, int] = field(default_factory=dict)  # pred index -> example index


def article(records: list[dict], golds: list[dict], statements: list[tuple[dict, list[str]]],
            examples: list[list[str]]) -> Article:
    preds = [r for r in records if r["record"] == "quote" and str(r.get("text") or "").strip()]
    gw = [content_words(g["content"]) for g in golds]
    pw = [content_words(p.get("text")) for p in preds]
    pairs = []
    for i, a in enumerate(gw):
        ca = Counter(a)
        for j, b in enumerate(pw):
            common = sum((ca & Counter(b)).values())
            cg, cp = common / max(1, len(a)), common / max(1, len(b))
            if cg >= 0.5 and cp >= 0.5:
                src = golds[i].get("source")
                ok = not src or set(content_words(src)) <= PRONOUNS or source_ok(src, preds[j])
                pairs.append((cg + cp, i, j, ok))
    pairs.sort(key=lambda p: (p[0], p[1], p[2]), reverse=True)
    art = Article(len(golds), len(preds), pairs)
    key = {}
    for j, p in enumerate(preds):
        key.setdefault((p["start"], p["end"], p["text"], p.get("speaker"), p.get("cue")), []).append(j)
    for quote, feats in statements:
        js = key.get((quote["start"], quote["end"], quote["text"], quote.get("speaker"), quote.get("cue")))
        if js:
            art.judged[js.pop(0)] = len(examples)
            examples.append(feats)
    return art


def score(articles: list[Article], probs: list[float] | None, cut: float) -> tuple[int, int, int]:
    """(right, predicted, gold) attributions when the statements scoring under ``cut`` are dropped."""
    right = n_pred = n_gold = 0
    for art in articles:
        drop = {j for j, e in art.judged.items() if probs is not None and probs[e] < cut}
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _, i, j, ok in art.pairs:
            if i in used_g or j in used_p or j in drop:
                continue
            used_g.add(i)
            used_p.add(j)
            right += ok
        n_pred += art.n_pred - len(drop)
        n_gold += art.n_gold
    return right, n_pred, n_gold


def prf(counts: tuple[int, int, int]) -> tuple[float, float, float]:
    right, n_pred, n_gold = counts
    p, r = right / max(1, n_pred), right / max(1, n_gold)
    return p, r, 2 * p * r / max(1e-9, p + r)


def labels(articles: list[Article], n: int) -> list[int]:
    """1 for a statement that the full matching pairs with a relation and its right source."""
    out = [0] * n
    for art in articles:
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _, i, j, ok in art.pairs:
            if i in used_g or j in used_p:
                continue
            used_g.add(i)
            used_p.add(j)
            if ok and j in art.judged:
                out[art.judged[j]] = 1
    return out


def probabilities(weights: dict[str, float], examples: list[list[str]]) -> list[float]:
    table = CueTable(weights=weights)
    return [table.score(f) for f in examples]


CUTS = [i / 100 for i in range(5, 71, 1)]


def best_cut(articles: list[Article], probs: list[float]) -> tuple[float, str]:
    best = (-1.0, 0.0, "")
    for cut in CUTS:
        p, r, f = prf(score(articles, probs, cut))
        if f > best[0] + 1e-9:
            best = (f, cut, f"attribution p {p:.3f} r {r:.3f} f1 {f:.4f} at {cut:.2f}")
    return best[1], best[2]


def harvest(inputs: str, gold_path: str, cache: str | None, data: str | None) -> tuple[list[Article], list[list[str]], list[int], str]:
    """Every article's records (crosswire's pipeline, the filter keeping all) as matches and examples."""
    from spacy.tokens import DocBin

    from crosswire.engine import Crosswire
    from crosswire.models import Document
    from crosswire.nlp import pipeline

    cw = Crosswire(db=":memory:", data=data)
    ex = cw.extractor
    docs = [d for _, items in cw.read([inputs]) for d in items if isinstance(d, Document)]
    if cache and Path(cache).exists():
        parsed = list(DocBin().from_disk(cache).get_docs(ex.nlp.vocab))
    else:
        parsed = list(ex.nlp.pipe([d.text for d in docs], batch_size=16))
        if cache:
            DocBin(docs=parsed).to_disk(cache)
    gold = json.load(open(gold_path, encoding="utf-8"))["docs"]
    seen: list[list[tuple[int, list[str]]]] = []

    def record(a: pipeline.Annotations) -> None:
        quoted = quotations(a.doc.text)
        starts = [s.start_char for s in a.sdoc.sents]
        seen.append([(id(r), relation_features(r, a.sdoc, a.relations, quoted, a.resources.claims_vocab, starts))
                     for r in a.relations if judged(r, a.sdoc)])

    table = tuple(replace(c, run=record) if c.name == "statement_filter" else c for c in pipeline.COMPONENTS)
    articles: list[Article] = []
    examples: list[list[str]] = []
    for n, (doc, sdoc) in enumerate(zip(docs, parsed)):
        seen.clear()
        holder: list[pipeline.Annotations] = []
        grab = tuple(replace(c, run=_also(c.run, holder)) if c.name == "attribution" else c for c in table)
        records = pipeline.extract_document(doc, sdoc, cw.resources, grab)
        feats = dict(seen[0]) if seen else {}
        text = doc.text
        statements = [(st.quote(text).record(), feats[id(st.relation)]) for st in holder[0].attributor.statements
                       if id(st.relation) in feats] if holder and holder[0].attributor else []
        name = doc.external_id or ""
        articles.append(article(records, gold.get(name, {}).get("attributions", []), statements, examples))
        if n % 100 == 0:
            print(f"  {n}/{len(docs)} articles", file=sys.stderr)
    return articles, examples, labels(articles, len(examples)), ex.versions["model"]


def _also(run, holder):  # type: ignore[no-untyped-def]
    def wrapped(a):  # type: ignore[no-untyped-def]
        run(a)
        holder.append(a)
    return wrapped


EPOCHS, RATE, L2 = 30, 0.02, 1e-4  # slower and more regularised than the cue model's fit: a flatter optimum
# (fitted on articles 0-599, F1 on articles 600-839 varies by 0.002 between cuts 0.25 and 0.4)


def fit_with_cut(articles: list[Article], examples: list[list[str]], y: list[int], folds: int = 5,
                 min_count: int = 5) -> tuple[dict[str, float], float, str]:
    """Weights fitted on all ``articles`` and the cut that maximises F1 over them scored out of fold."""
    owner = [0] * len(examples)
    for a, art in enumerate(articles):
        for e in art.judged.values():
            owner[e] = a
    seen = Counter(f for feats in examples for f in set(feats))
    data = [([f for f in feats if seen[f] >= min_count], label) for feats, label in zip(examples, y)]
    probs = [0.0] * len(examples)
    for k in range(folds):
        w = fit([d for d, o in zip(data, owner) if o % folds != k], epochs=EPOCHS, rate=RATE, l2=L2)
        for e, (feats, _) in enumerate(data):
            if owner[e] % folds == k:
                probs[e] = CueTable(weights=w).score(feats)
    cut, report = best_cut(articles, probs)
    return fit(data, epochs=EPOCHS, rate=RATE, l2=L2), cut, report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs")
    ap.add_argument("gold")
    ap.add_argument("--cache")
    ap.add_argument("--data", help="data folder for the other models (as crosswire --data)")
    ap.add_argument("--out", default=str(ROOT / "crosswire" / "data" / "statement_model.json"))
    ap.add_argument("--fit", help="A:B fit on these articles only (input order)")
    ap.add_argument("--measure", help="A:B report attribution without and with the filter on these articles")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--examples", help="keep the harvested examples here (a pickle) and read them from it next "
                    "time (only while statements.py, attribution.py and the features are unchanged)")
    args = ap.parse_args()
    if args.examples and Path(args.examples).exists():
        articles, examples, y, model = pickle.loads(Path(args.examples).read_bytes())
    else:
        articles, examples, y, model = harvest(args.inputs, args.gold, args.cache, args.data)
        if args.examples:
            Path(args.examples).write_bytes(pickle.dumps((articles, examples, y, model)))
    print(f"{len(examples)} statements, {sum(y)} right", file=sys.stderr)
    lo, hi = (int(x) for x in args.fit.split(":")) if args.fit else (0, len(articles))
    part = articles[lo:hi]
    keep = sorted(e for art in part for e in art.judged.values())
    index = {e: n for n, e in enumerate(keep)}
    sub = [Article(a.n_gold, a.n_pred, a.pairs, {j: index[e] for j, e in a.judged.items()}) for a in part]
    weights, cut, report = fit_with_cut(sub, [examples[e] for e in keep], [y[e] for e in keep],
                                        min_count=args.min_count)
    print(f"cut {cut:.2f}: {report} (without the filter: f1 {prf(score(sub, None, 0))[2]:.4f})")
    if args.measure:
        a, b = (int(x) for x in args.measure.split(":"))
        probs = probabilities(weights, examples)
        for name, p in (("without", None), ("with", probs)):
            pr, rc, f = prf(score(articles[a:b], p, cut))
            print(f"articles {a}:{b} {name} the filter: attribution p {pr:.3f} r {rc:.3f} f1 {f:.4f}")
    kept = {f: round(v, 4) for f, v in sorted(weights.items()) if abs(v) >= 0.002}
    about = ABOUT.format(docs=len(part), examples=len(keep), model=model, held=report)
    Path(args.out).write_text(json.dumps({"about": about, "threshold": cut, "weights": kept}, indent=0,
                                         ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(keep)} statements, {len(kept)} weights")


if __name__ == "__main__":
    main()
