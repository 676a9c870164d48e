"""Extraction throughput against spaCy alone, in the same run, on the same texts.

Baseline: the same model package (settings `model`), `nlp.pipe` over the clean texts, default
pipeline. crosswire: `Extractor.extract_many` over the same documents (spaCy + gazetteer ruler +
entity linking + times + quotes + attribution + quantities + claims). Prints reports/s for both,
the ratio crosswire/spaCy (target >= 0.8) and peak RSS.

The two are timed in alternating rounds (spaCy, crosswire, spaCy, crosswire, ...) and each keeps its
fastest round, as timeit does: on a shared machine one round of either can be 20 % slow, and a ratio
of two single rounds swings more than the code changes it. Every round's times are printed.

    python benchmarks/extract.py [--copies 20] [--rounds 2]
"""
from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import time
from pathlib import Path

from crosswire import settings
from crosswire.clean import clean_document
from crosswire.engine import Crosswire
from crosswire.ingest.readers import RawItem, iter_inputs, read_items
from crosswire.nlp.pipeline import Extractor, load_model
from crosswire.resources import Resources

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [ROOT / "examples", ROOT.parent / "shared" / "eval" / "seeds" / "docs"]


def documents(copies: int) -> list:
    base = []
    for inp in iter_inputs([str(p) for p in CORPORA if p.exists()], 50_000_000):
        if hasattr(inp, "raw"):
            base += [clean_document(i) for i in read_items(inp) if isinstance(i, RawItem)]
    out = []
    for k in range(copies):  # distinct ids so nothing is cached across copies
        out += [dataclasses.replace(d, id=f"{d.id}-{k}", segments=list(d.segments)) for d in base]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds of each; the fastest counts")
    args = ap.parse_args()
    model = settings.load()["model"]
    docs = documents(args.copies)
    texts = [d.text for d in docs]
    chars = sum(map(len, texts))
    nlp = load_model(model)
    list(nlp.pipe(texts[:5]))  # warm up
    ex = Extractor(model, Resources())
    ex.extract_many(docs[:5])  # warm up
    spacy_runs, ours_runs = [], []
    records: dict = {}
    for _ in range(max(1, args.rounds)):
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=16):
            pass
        spacy_runs.append(time.perf_counter() - t0)
        records = {}  # the last round's records are not kept alive (and scanned by the collector) while timing
        t0 = time.perf_counter()
        records = ex.extract_many(docs)
        ours_runs.append(time.perf_counter() - t0)
    spacy_s, ours_s = min(spacy_runs), min(ours_runs)
    n_claims = sum(1 for rs in records.values() for r in rs if r["record"] == "claim")
    print(f"documents: {len(docs)}  characters: {chars:,}  model: {model}")
    print(f"spaCy alone (nlp.pipe):   {spacy_s:7.2f} s  {len(docs) / spacy_s:7.1f} reports/s")
    print(f"crosswire extraction:     {ours_s:7.2f} s  {len(docs) / ours_s:7.1f} reports/s  ({n_claims} claims)")
    print("rounds (s):               spaCy " + ", ".join(f"{t:.2f}" for t in spacy_runs)
          + "; crosswire " + ", ".join(f"{t:.2f}" for t in ours_runs))
    print(f"ratio crosswire/spaCy:    {spacy_s / ours_s:.2f} (target >= 0.8; fastest round of each)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
