"""The learned content-boundary model: which words after a cue are what the source said.

``data/content_model.json`` is written by ``scripts/train_content.py`` from hand-annotated news: a
logistic regression over the features of ``statements.unit_features``. Each dependent of a cue verb
after it (its object, clause, infinitive, prepositional phrases, adverbial clauses, coordinated verbs)
is a unit, and so is each dependent of the last unit kept, down its right edge: the model's
probability says whether the unit's words are in the content ("warned [state officials] to boost …"
keeps the infinitive and leaves out the addressee; "said … [during a campaign stop]" leaves out the
occasion; "said X, [but Y]" keeps or leaves the second clause). The file holds feature weights only,
no text. It has the same form as the cue model, so it is read as one (``cues.CueTable``).
"""
from __future__ import annotations

from pathlib import Path

from .cues import DATA, CueTable, load_cues


def load_boundaries(path: Path | None = None) -> CueTable:
    """Read a content-boundary model written by ``scripts/train_content.py``."""
    table = load_cues(path or DATA / "content_model.json")
    table.version = "bounds-" + table.version.split("-", 1)[1]
    return table
