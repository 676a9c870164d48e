"""The vocabularies crosswire reads, loaded once per engine from one data folder.

An engine builds one :class:`Resources` (``Crosswire.resources``) and passes it down: the extractor
takes its gazetteer (with the name rules), cue model, number and unit vocabulary, as-of cues and
claims vocabulary from it, and fusion its gazetteer. ``--data DIR`` (setting ``data``) names another folder: each file of :data:`FILES` found
there is read from there, and a file missing there comes from the bundled folder
(``crosswire/data``). A data file of crosswire's that is in ``DIR`` but not read from it (not in
:data:`FILES`) is an error, so an edited vocabulary is never ignored in silence.

Each vocabulary is loaded on first use and kept for the life of the object. A Resources object
pickles as its folder only: a worker process that receives one loads the files again itself.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import SettingsError
from .extract import asof, quantity_vocab, vocab as claims_vocab_mod
from .extract.cues import CueTable, load_cues
from .names import NameRules
from .nlp.gazetteer import Gazetteer

BUNDLED = Path(__file__).resolve().parent / "data"
FILES: dict[str, str] = {  # file -> what reads it
    "gazetteer.toml": "entity linking and name rules (titles, demonyms, surnames)",
    "cue_model.json": "attribution cues (statements)",
    "content_model.json": "where a statement's content ends (statements)",
    "statement_model.json": "which finished statements are kept (statement_filter)",
    "numbers.toml": "quantities (number words, magnitudes)",
    "units.toml": "quantities (units, counted nouns)",
    "asof.toml": "as-of dates of figures (recall and anchor cues)",
    "claims.toml": "quotes, statements, attribution and claims (speech verbs, sources, roles, hedges, measures)",
}


class Resources:
    """The data folder of one engine and the vocabularies read from it."""

    def __init__(self, data: str | Path | None = None) -> None:
        self.data = Path(data).expanduser() if data else None
        if self.data is not None:
            _check_folder(self.data)

    def path(self, name: str) -> Path:
        """Where ``name`` is read from: the data folder when it holds the file, else the bundled one."""
        if name not in FILES:
            raise SettingsError(f"no data file {name!r}; known: {', '.join(sorted(FILES))}")
        if self.data is not None and (self.data / name).is_file():
            return self.data / name
        return BUNDLED / name

    def sources(self) -> dict[str, str]:
        """Each data file and the path it is read from (for `crosswire` messages and tests)."""
        return {name: str(self.path(name)) for name in FILES}

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return Gazetteer.load(self.path("gazetteer.toml"))

    @property
    def names(self) -> NameRules:
        return self.gazetteer.rules

    @cached_property
    def cues(self) -> CueTable:
        return load_cues(self.path("cue_model.json"))

    @cached_property
    def boundaries(self) -> CueTable:
        return load_cues(self.path("content_model.json"), kind="bounds")

    @cached_property
    def statement_model(self) -> CueTable:
        return load_cues(self.path("statement_model.json"), kind="filter")

    @cached_property
    def quantity_vocab(self) -> quantity_vocab.Vocab:
        return quantity_vocab.load(self.path("numbers.toml"), self.path("units.toml"))

    @cached_property
    def asof_cues(self) -> asof.Cues:
        return asof.load_cues(self.path("asof.toml"))

    @cached_property
    def claims_vocab(self) -> claims_vocab_mod.Vocab:
        return claims_vocab_mod.load(self.path("claims.toml"))

    def __getstate__(self) -> dict[str, Any]:
        return {"data": self.data}  # the vocabularies load again where the object lands

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.data = state["data"]

    def __repr__(self) -> str:
        return f"Resources(data={str(self.data) if self.data else None!r})"


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise SettingsError(f"--data {folder}: not a folder; expected a folder holding some of "
                            f"{', '.join(sorted(FILES))} (the others come from the bundled data)")
    bundled = {p.name for p in BUNDLED.iterdir() if p.is_file()}
    ignored = sorted(p.name for p in folder.iterdir() if p.name in bundled and p.name not in FILES)
    if ignored:
        raise SettingsError(f"--data {folder}: {', '.join(ignored)} cannot be read from a data folder yet "
                            f"(only {', '.join(sorted(FILES))}); remove it from the folder")
