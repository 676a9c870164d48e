"""The learned cue model: how likely a verb, where it stands, introduces an attribution.

``data/cue_model.json`` is written by ``scripts/train_cues.py`` from hand-annotated news: a logistic
regression over the features of ``statements.cue_features`` (the verb's lemma, its frame — a clause,
an infinitive, an object, a topic preposition or nothing —, its dependency and tag, the kind of its
subject, an adjacent quotation, and their pairs with the lemma). The file holds feature weights only,
no text. ``CueTable.score`` is the model's probability; ``threshold`` the cut the script chose.

The content-boundary model (``data/content_model.json``, written by ``scripts/train_content.py`` over the
features of ``statements.unit_features``: is each dependent after a cue, and down the content's right
edge, inside what the source said?) has the same form and is read by the same ``load_cues``
(``kind="bounds"``; ``Resources.boundaries`` holds the engine's).
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


def load_cues(path: Path | None = None, kind: str = "cues") -> CueTable:
    """Read a model written by ``scripts/train_cues.py`` (or, ``kind="bounds"``, ``scripts/train_content.py``);
    its version is ``kind`` and a hash of the file."""
    raw = (path or DATA / "cue_model.json").read_bytes()
    data = json.loads(raw.decode("utf-8"))
    return CueTable(weights={k: float(v) for k, v in data["weights"].items()}, threshold=float(data["threshold"]),
                    version=f"{kind}-" + hashlib.sha256(raw).hexdigest()[:10])
