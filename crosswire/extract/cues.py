"""The learned cue table: how likely a verb, in a frame, introduces an attribution.

``data/cues.toml`` is written by ``scripts/train_cues.py`` from hand-annotated news (counts only, no
text): for each verb lemma and frame (what hangs on the verb: ccomp, xcomp, dobj, none), how often it
was the cue of an annotated attribution and how often it occurred at all. ``CueTable.score`` smooths
those counts towards the lemma's overall rate and then towards the frame's rate, so a lemma seen
rarely leans on what its frame usually means; the hand-written speech verbs of ``data/claims.toml``
are a prior for lemmas the table has never seen.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
FRAMES = ("ccomp", "xcomp", "dobj", "prep", "none")


@dataclass(slots=True)
class CueTable:
    lemmas: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # lemma -> frame -> (cue, all)
    frames: dict[str, float] = field(default_factory=dict)  # frame -> cue rate over all verbs
    prior_verbs: frozenset[str] = frozenset()
    threshold: float = 0.5
    lemma_weight: float = 2.0  # pseudo-counts pulling a (lemma, frame) rate towards the lemma's rate
    frame_weight: float = 2.0  # pseudo-counts pulling a lemma's rate towards its frame's rate
    prior_rate: float = 0.7  # rate of a hand-listed speech verb unseen in the table
    unseen_factor: float = 0.5  # an unseen lemma gets this share of its frame's rate
    _cache: dict[tuple[str, str], float] = field(default_factory=dict)

    def score(self, lemma: str, frame: str) -> float:
        key = (lemma, frame)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._score(lemma, frame)
        return hit

    def _score(self, lemma: str, frame: str) -> float:
        base = self.frames.get(frame, 0.0)
        counts = self.lemmas.get(lemma)
        if not counts:  # never seen in the annotated news: only a hand-listed speech verb is a cue
            return self.prior_rate if lemma in self.prior_verbs else base * self.unseen_factor
        cue = sum(c for c, _ in counts.values())
        seen = sum(n for _, n in counts.values())
        if lemma in self.prior_verbs:
            base = max(base, self.prior_rate)
        lemma_rate = (cue + self.frame_weight * base) / (seen + self.frame_weight)
        c, n = counts.get(frame, (0, 0))
        return (c + self.lemma_weight * lemma_rate) / (n + self.lemma_weight)


def load_cues(path: Path | None = None, prior_verbs: frozenset[str] = frozenset()) -> CueTable:
    """Read a cue table written by ``scripts/train_cues.py``."""
    data = tomllib.loads((path or DATA / "cues.toml").read_text(encoding="utf-8"))
    lemmas = {lemma: {f: (int(v[0]), int(v[1])) for f, v in frames.items()}
              for lemma, frames in data.get("lemmas", {}).items()}
    return CueTable(lemmas=lemmas, frames={k: float(v) for k, v in data.get("frames", {}).items()},
                    prior_verbs=prior_verbs, threshold=float(data.get("threshold", 0.5)))
