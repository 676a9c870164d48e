"""The learned cue model: how likely a verb, where it stands, introduces an attribution.

``data/cue_model.json`` is written by ``scripts/train_cues.py`` from hand-annotated news: a logistic
regression over the features of ``statements.cue_features`` (the verb's lemma, its frame — a clause,
an infinitive, an object, a topic preposition or nothing —, its dependency and tag, the kind of its
subject, an adjacent quotation, and their pairs with the lemma). The file holds feature weights only,
no text. ``CueTable.score`` is the model's probability; ``threshold`` the cut the script chose.
"""
from __future__ import annotations

import hashlib
import json
import math
from itertools import repeat
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(slots=True)
class CueTable:
    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5
    version: str = "untrained"  # a hash of the model file: retraining changes what extraction stores

    def score(self, features: list[str]) -> float:
        """Probability that a verb with these features is an attribution cue."""
        z = sum(map(self.weights.get, features, repeat(0.0)))  # (one C-level pass; same order of addition)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load_cues(path: Path | None = None) -> CueTable:
    """Read a cue model written by ``scripts/train_cues.py``."""
    raw = (path or DATA / "cue_model.json").read_bytes()
    data = json.loads(raw.decode("utf-8"))
    return CueTable(weights={k: float(v) for k, v in data["weights"].items()}, threshold=float(data["threshold"]),
                    version="cues-" + hashlib.sha256(raw).hexdigest()[:10])
