"""One place for names (crosswire/names.py): the forms extraction writes and fusion groups by agree."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from test_fuse import add_reports, claim, entity, report

from crosswire.fuse import Fusion
from crosswire.names import alias_key, country_of, name_key, normalize, slug
from crosswire.nlp.gazetteer import Gazetteer
from crosswire.store import open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("a, b, form", [
    ("U.S. Forces", "US forces", "us forces"),  # dots vanish: not "u s forces"
    ("Russia's army", "Russia’s Army", "russia army"),  # a possessive goes wherever it stands
    ("The Kremlin", "Kremlin", "kremlin"),
    ("Kim Jong-un", "KIM JONG UN", "kim jong un"),
    ("Zelenskyy's", "Zelenskyy", "zelenskyy"),
    ("Côte d’Ivoire", "Cote d'Ivoire", "cote divoire"),
])
def test_one_normal_form(a: str, b: str, form: str) -> None:
    assert normalize(a) == normalize(b) == form
    assert alias_key(a) == form.replace(" ", "")


def test_slug_and_person_key() -> None:
    assert slug("U.S. Forces") == "us-forces" and slug("North Korea") == "north-korea"
    assert slug(None) == slug("...") == "unspecified"
    assert name_key("Kwon Young-hee") == name_key("Kwon Younghee") == name_key("Lieutenant General Kwon Young Hee")


def test_demonym_stands_for_its_country() -> None:
    assert country_of("North Korean") == "North Korea"
    assert country_of("U.S.") == country_of("American") == "United States"
    assert country_of("Martian") is None


def test_extraction_links_what_fusion_groups() -> None:
    """The gazetteer (extraction) and the entity resolver (fusion) fold "U.S." alike."""
    gaz = Gazetteer.load()
    hit = gaz.lookup("U.S.", "GPE")
    assert hit is not None and hit.name == "United States"
    from crosswire.fuse.entities import node_of

    assert node_of("U.S. Forces") == node_of("US Forces") == "nm:" + normalize("US Forces")


def test_fusion_joins_a_name_written_with_and_without_dots(db: str) -> None:
    store = open_store(db)
    add_reports(store, [
        report("dots", "Wire A", "2025-01-02", [
            claim("U.S. Forces said 40 drones were downed.", "40", 40, "materiel", subject="U.S. Forces"),
            entity("U.S. Forces", "ORG")]),
        report("nodots", "Wire B", "2025-01-03", [
            claim("US forces said 45 drones were downed.", "45", 45, "materiel", subject="US Forces"),
            entity("US Forces", "ORG")]),
    ])
    one = Fusion(store).entity("U.S. Forces")
    assert one["doc_ids"] == ["dots", "nodots"]


def _cycles_script() -> object:
    spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "scripts" / "import_cycles.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_names_is_on_the_ground_floor_and_no_import_runs_in_a_circle() -> None:
    cyc = _cycles_script()
    g = cyc.graph(ROOT / "crosswire")  # type: ignore[attr-defined]
    assert g["crosswire.names"] <= {"crosswire.errors"}
    for module, targets in g.items():
        if module.startswith(("crosswire.extract", "crosswire.clean", "crosswire.ingest")):  # stages before nlp/
            assert not {t for t in targets if t.startswith("crosswire.nlp")}, f"{module} imports upward into nlp/"
    assert cyc.cycles(g) == []  # type: ignore[attr-defined]
    assert cyc.two_way_packages(g, "crosswire") == []  # type: ignore[attr-defined]


def test_other_rules_are_not_answered_from_the_bundled_rules_memo() -> None:
    """canonical_person and name_key remember answers for the bundled rules only: a --data folder's rules
    (here one more trailing title word) give their own answer even for a name asked before."""
    import dataclasses

    from crosswire.names import canonical_person, default_rules, name_key

    bundled = default_rules()
    assert canonical_person("Kim Chol Spokesperson-Designate") == "Kim Chol Spokesperson-Designate"
    other = dataclasses.replace(bundled, title_trailing=bundled.title_trailing | {"spokesperson-designate"})
    assert canonical_person("Kim Chol Spokesperson-Designate", other) == "Kim Chol"
    assert canonical_person("Kim Chol Spokesperson-Designate") == "Kim Chol Spokesperson-Designate"
    assert name_key("Kim Chol Spokesperson-Designate", other) == name_key("Kim Chol")
    assert name_key("Kim Chol Spokesperson-Designate") != name_key("Kim Chol")
