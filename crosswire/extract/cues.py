"""The learned cue model: how likely a verb, where it stands, introduces an attribution.

``data/cue_model.json`` is written by ``scripts/train_cues.py`` from hand-annotated news: a logistic
regression over the features of ``statements.cue_features`` (the verb's lemma, its frame — a clause,
an infinitive, an object, a topic preposition or nothing —, its dependency and tag, the kind of its
subject, an adjacent quotation, and their pairs with the lemma). The file holds feature weights only,
no text. ``CueTable.score`` is the model's probability; ``threshold`` the cut the script chose.
A second logistic regression in the same file (``boundary``) decides where a content ends: for the
phrase at the edge of a verb's complement (its dependency, its first word, what it hangs on, a comma
before it, its length — ``statements.edge_features``) the probability that the annotators left it out
(``CueTable.outside``); statements drop such phrases from the edge while it is above one half.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(slots=True)
class CueTable:
    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5
    version: str = "untrained"  # a hash of the model file: retraining changes what extraction stores
    boundary: dict[str, float] = field(default_factory=dict)  # the content-edge model (empty: keep every edge)

    def score(self, features: list[str]) -> float:
        """Probability that a verb with these features is an attribution cue."""
        return _logistic(self.weights, features)

    def outside(self, features: list[str]) -> float:
        """Probability that a phrase at the edge of a content, with these features, is not part of it."""
        return _logistic(self.boundary, features) if self.boundary else 0.0


def _logistic(weights: dict[str, float], features: list[str]) -> float:
    z = sum(weights.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load_cues(path: Path | None = None) -> CueTable:
    """Read a cue model written by ``scripts/train_cues.py``."""
    raw = (path or DATA / "cue_model.json").read_bytes()
    data = json.loads(raw.decode("utf-8"))
    return CueTable(weights={k: float(v) for k, v in data["weights"].items()}, threshold=float(data["threshold"]),
                    version="cues-" + hashlib.sha256(raw).hexdigest()[:10],
                    boundary={k: float(v) for k, v in data.get("boundary", {}).items()})
