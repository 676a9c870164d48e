"""Explicit configuration: one Resources object per engine, and ``--data DIR`` for other vocabularies."""
from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crosswire import Crosswire
from crosswire.errors import SettingsError
from crosswire.extract.quantities import find_quantities
from crosswire.resources import BUNDLED, FILES, Resources

REPORT = "Officials at the Zorblax Institute said on Monday that 40 drones were downed near the border.\n"
NEW_ENTRY = '\n[[entry]]\nname = "Zorblax Institute"\ntype = "ORG"\naliases = ["Zorblax"]\n'


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder whose gazetteer knows one more organisation; every other file is the bundled one."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "gazetteer.toml").write_text((BUNDLED / "gazetteer.toml").read_text(encoding="utf-8") + NEW_ENTRY,
                                           encoding="utf-8")
    return folder


def _entities(run_cli: Callable[..., Any], tmp_path: Path, *options: str) -> dict[str, dict[str, Any]]:
    report = tmp_path / "r.txt"
    report.write_text(REPORT, encoding="utf-8")
    out = tmp_path / f"out{len(options)}.jsonl"
    result = run_cli(*options, "extract", str(report), "--jsonl", str(out))
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {r["name"]: r for r in recs if r["record"] == "entity"}


def test_a_data_folder_with_a_changed_vocabulary_changes_the_output(run_cli: Callable[..., Any], tmp_path: Path,
                                                                   data_dir: Path) -> None:
    bundled = _entities(run_cli, tmp_path)
    assert not any(e["kb_id"] == "zorblax-institute" for e in bundled.values())
    changed = _entities(run_cli, tmp_path, "--data", str(data_dir))
    assert changed["Zorblax Institute"]["kb_id"] == "zorblax-institute"


def test_files_missing_from_the_folder_come_from_the_bundled_data(data_dir: Path) -> None:
    res = Resources(data_dir)
    assert res.path("gazetteer.toml") == data_dir / "gazetteer.toml"
    assert res.path("units.toml") == BUNDLED / "units.toml"
    assert res.gazetteer.lookup("Zorblax") is not None
    assert Resources().gazetteer.lookup("Zorblax") is None


def test_the_engine_builds_one_resources_object_and_passes_it_down(data_dir: Path, tmp_path: Path) -> None:
    cw = Crosswire(db=str(tmp_path / "kb.db"), data=str(data_dir))
    try:
        assert cw.resources.data == data_dir
        assert cw.resources.gazetteer is cw.resources.gazetteer  # loaded once
    finally:
        cw.close()


def test_a_quantity_vocabulary_is_taken_from_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    numbers = (BUNDLED / "numbers.toml").read_text(encoding="utf-8")
    assert "\ndozen = 12\n" in numbers
    (folder / "numbers.toml").write_text(numbers.replace("\ndozen = 12\n", "\ndozen = 13\n"), encoding="utf-8")
    res = Resources(folder)
    text = "Some two dozen trucks crossed."
    assert [q.value for q in find_quantities(text)] == [24]
    assert [q.value for q in find_quantities(text, res.quantity_vocab)] == [26]
    assert res.path("numbers.toml") == folder / "numbers.toml" and res.path("units.toml") == BUNDLED / "units.toml"


def test_a_file_that_cannot_be_read_from_a_folder_is_an_error_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "layouts.toml").write_text("", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"layouts\.toml cannot be read from a data folder.*gazetteer\.toml"):
        Resources(tmp_path)


def test_a_missing_folder_is_an_error(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not a folder"):
        Resources(tmp_path / "nowhere")
    result = run_cli("--data", str(tmp_path / "nowhere"), "docs")
    assert result.exit_code == 2 and "not a folder" in result.output


def test_resources_pickle_as_their_folder_and_reload_in_the_receiver(data_dir: Path) -> None:
    res = Resources(data_dir)
    assert res.gazetteer.lookup("Zorblax") is not None
    blob = pickle.dumps(res)
    assert len(blob) < 1000  # the folder, not the loaded vocabularies
    other = pickle.loads(blob)
    assert other.data == data_dir and other.gazetteer.lookup("Zorblax") is not None
    assert set(other.sources()) == set(FILES)


BELGOROD = '[[entry]]\nname = "Belgorod"\ntype = "GPE"\naliases = ["Belgorod Oblast", "Belgorod region", "Belgorod Region"]\n'


def test_fusion_tells_countries_from_places_by_the_engines_gazetteer(tmp_path: Path) -> None:
    """A figure "in Belgorod" is a series of its own; where the data folder's gazetteer makes Belgorod a name
    of Russia (a country: the setting, not a scope), it joins the unplaced series, and so does the figure
    of Kursk, then the only place named (the theatre)."""
    for i, (place, n) in enumerate([("Kursk", 300), ("Belgorod", 120), ("Kursk", 350)]):
        (tmp_path / f"r{i}.txt").write_text(f"Yonhap News 2025-01-{10 + i}\n\nUkraine's military said on Monday that "
                                            f"{n} North Korean soldiers were killed in {place}.\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    bundled = Crosswire(db=db)
    bundled.ingest([str(p) for p in sorted(tmp_path.glob("r*.txt"))])
    assert sorted(s["label"] for s in bundled.figures()) == ["North Korea — killed (person), in Belgorod",
                                                               "North Korea — killed (person), in Kursk"]
    bundled.close()
    folder = tmp_path / "data"
    folder.mkdir()
    gaz = (BUNDLED / "gazetteer.toml").read_text(encoding="utf-8")
    assert BELGOROD in gaz and 'aliases = ["Russian Federation"]' in gaz
    (folder / "gazetteer.toml").write_text(gaz.replace(BELGOROD, "").replace(
        'aliases = ["Russian Federation"]', 'aliases = ["Russian Federation", "Belgorod"]'), encoding="utf-8")
    changed = Crosswire(db=db, data=str(folder))
    try:
        assert [(s["label"], s["n_points"]) for s in changed.figures()] == [("North Korea — killed (person)", 3)]
    finally:
        changed.close()


def _claims(run_cli: Callable[..., Any], tmp_path: Path, *options: str) -> list[dict[str, Any]]:
    report = tmp_path / "said.txt"
    report.write_text("The defence ministry said on Monday that 40 drones were downed near the border.\n",
                      encoding="utf-8")
    out = tmp_path / f"claims{len(options)}.jsonl"
    result = run_cli(*options, "extract", str(report), "--jsonl", str(out))
    assert result.exit_code == 0, result.output
    return [r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines()) if r["record"] == "claim"]


def test_the_claims_vocabulary_is_taken_from_the_folder(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    """claims.toml in --data reaches extraction: a hedge label changed there is the claim's hedge."""
    folder = tmp_path / "data"
    folder.mkdir()
    claims = (BUNDLED / "claims.toml").read_text(encoding="utf-8")
    assert '\n"say" = "said"\n' in claims
    (folder / "claims.toml").write_text(claims.replace('\n"say" = "said"\n', '\n"say" = "claimed"\n'),
                                        encoding="utf-8")
    assert [c["hedge"] for c in _claims(run_cli, tmp_path)] == ["said"]
    assert [c["hedge"] for c in _claims(run_cli, tmp_path, "--data", str(folder))] == ["claimed"]
    assert Resources(folder).claims_vocab.hedges["say"] == "claimed" and Resources().claims_vocab.hedges["say"] == "said"


def test_a_measure_of_the_folders_claims_vocabulary_is_one_the_filters_and_the_review_accept(tmp_path: Path) -> None:
    from crosswire.review import parse_changes

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "claims.toml").write_text((BUNDLED / "claims.toml").read_text(encoding="utf-8")
                                        + '\n[[measure]]\nname = "evacuated"\nnouns = ["evacuee"]\n', encoding="utf-8")
    bundled = Crosswire(db=str(tmp_path / "a.db"))
    changed = Crosswire(db=str(tmp_path / "b.db"), data=str(folder))
    try:
        with pytest.raises(SettingsError, match="unknown measure 'evacuated'"):
            bundled.figures(measure="evacuated")
        assert changed.figures(measure="evacuated") == []  # a known measure: nothing of it yet, not an error
        with pytest.raises(SettingsError, match="unknown measure"):
            parse_changes({"measure": "evacuated"})
        assert parse_changes({"measure": "Evacuated"}, changed.resources.claims_vocab) == {"measure": "evacuated"}
    finally:
        bundled.close()
        changed.close()
