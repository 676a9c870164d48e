"""The knowledge base as FollowTheMoney entities, for Aleph and other FtM tools.

    Article        one per report (title, body text, publisher, date, authors, URL)
    Person / Organization / Territory / Event
                   one per entity name (PERSON, ORG, GPE+LOC, EVENT); other types stay as mentions
    Documentation  the link "this report mentions this entity" (role "mentioned", surface forms in summary)
    Mention        names of other types (nationalities, facilities, weapons) found in a report
    Note           a quote or a claim, attached to its speaker or source when that is a known entity
                   and to its report otherwise; ``proof`` always points to the report
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from followthemoney import model

from ..store.sqlite import Store

DATASET = "crosswire"
SCHEMA = {"PERSON": "Person", "ORG": "Organization", "GPE": "Territory", "LOC": "Territory", "EVENT": "Event"}


def _make(schema: str, *key: Any) -> Any:
    proxy = model.make_entity(schema)
    proxy.make_id(DATASET, schema, *[str(k) for k in key])
    return proxy


def _article(r: dict[str, Any]) -> Any:
    a = _make("Article", r["id"])
    a.add("title", r["title"])
    a.add("name", r["title"] or r["source"])
    a.add("bodyText", r["text"])
    a.add("publisher", r["publisher"])
    a.add("publishedAt", (r["published"] or "")[:10] or None)
    a.add("author", json.loads(r["authors"] or "[]"))
    a.add("sourceUrl", r["url"], quiet=True)
    a.add("fileName", r["source"])
    return a


def ftm_entities(store: Store) -> Iterator[dict[str, Any]]:
    """Every FtM entity as a dict (``proxy.to_dict()``), streamed."""
    articles: dict[str, str] = {}
    for r in store.ftm_documents():
        a = _article(r)
        articles[r["id"]] = a.id
        yield a.to_dict()
    things: dict[str, str] = {}
    for name, type_, kb_id in store.ftm_names():
        schema = SCHEMA.get(type_)
        if schema is None or name in things:
            continue
        e = _make(schema, name)
        e.add("name", name)
        if kb_id and str(kb_id).startswith("Q"):
            e.add("wikidataId", kb_id, quiet=True)
        things[name] = e.id
        yield e.to_dict()
    yield from _links(store, articles, things)
    yield from _notes(store, articles, things)


def _links(store: Store, articles: dict[str, str], things: dict[str, str]) -> Iterator[dict[str, Any]]:
    for doc_id, name, type_, mentions in store.ftm_entity_rows():
        if doc_id not in articles:
            continue
        if name in things and type_ in SCHEMA:
            d = _make("Documentation", doc_id, name)
            d.add("document", articles[doc_id])
            d.add("entity", things[name])
            d.add("role", "mentioned")
            d.add("summary", ", ".join(mentions))
        else:
            d = _make("Mention", doc_id, name)
            d.add("name", name)
            d.add("document", articles[doc_id])
            d.add("detectedSchema", type_)
        yield d.to_dict()


def _notes(store: Store, articles: dict[str, str], things: dict[str, str]) -> Iterator[dict[str, Any]]:
    for q in store.ftm_quotes():
        n = _make("Note", "quote", q["id"])
        n.add("name", f"Quote: {q['speaker'] or 'unknown speaker'}")
        n.add("description", q["text"])
        n.add("summary", "; ".join(x for x in (q["speaker_title"], q["said_on"] and f"said on {q['said_on']}") if x))
        n.add("entity", things.get(q["speaker"] or "") or articles.get(q["doc_id"]))
        n.add("proof", articles.get(q["doc_id"]))
        yield n.to_dict()
    for c in store.ftm_claims():
        n = _make("Note", "claim", c["id"])
        n.add("name", f"Claim: {c['measure']} {c['subject'] or ''} — {c['span']}".strip())
        n.add("description", c["sentence"])
        facts = {"value": c["value"], "low": c["low"], "high": c["high"], "qualifier": c["qualifier"],
                 "unit": c["unit"], "source": c["source"], "hedge": c["hedge"], "as_of": c["as_of"]}
        n.add("summary", ", ".join(f"{k}={v}" for k, v in facts.items() if v is not None))
        n.add("entity", things.get(c["source"] or "") or things.get(c["subject"] or "") or articles.get(c["doc_id"]))
        n.add("proof", articles.get(c["doc_id"]))
        yield n.to_dict()
