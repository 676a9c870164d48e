"""Cross-document entity resolution: one id per real-world thing.

Keys: every per-document entity row is a node ``kb:<kb_id>`` when the gazetteer linked it, else
``nm:<normalised name>``. Nodes are joined (union-find) when

1. a row has a kb id and its canonical name belongs to that kb id only: ``nm:<name>`` joins it,
   so rows of the same name without a kb id (another document, an older extraction) land on it;
2. the user merged two entities (``entity_edits``, applied in order);
3. (when a name is looked up) a nationality that no gazetteer entry links and that is the regular
   demonym of one place only ("Korvalian" of Korvalia) is that place, so "Korvalian troops" and
   "Korvalia's troops" are one subject;
4. (the same) an acronym no gazetteer entry links that is the initials of one organisation only
   ("IFS" of the Institute for Frontier Studies, its lower-case words left out) is that organisation.

A user *split* detaches one name or surface form from the automatic joins of rule 1 and from the
entity's aliases; the name becomes an entity of its own. Merges and splits are stored by key, not
by row id, so they survive re-ingest and re-extraction; undoing one sets ``undone_at``.

The entity id is the kb id when the cluster has one (the merge target's, after a merge), else the
slug of its display name. Surface forms (``entities.mentions``) resolve names that are not a
canonical name anywhere, when they belong to one entity only ("DPRK" -> North Korea).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..store.rows import EntityEdit, EntityRow as Row
from ..store.sqlite import Store, now
from ..names import demonym_forms, normalize, slug


@dataclass(slots=True)
class Cluster:
    key: str  # root node
    id: str = ""
    name: str = ""
    types: Counter[str] = field(default_factory=Counter)
    kb_ids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # canonical names of its rows (original spelling)
    aliases: set[str] = field(default_factory=set)  # surface forms
    doc_ids: set[str] = field(default_factory=set)
    count: int = 0
    nodes: set[str] = field(default_factory=set)
    merged: list[str] = field(default_factory=list)  # names the user merged in
    known: bool = True  # False: a name seen only in claims or quotes, not in the entities table

    @property
    def type(self) -> str | None:
        return self.types.most_common(1)[0][0] if self.types else None

    def norms(self) -> set[str]:
        return {normalize(n) for n in self.names | self.aliases | set(self.merged) | {self.name}}

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type,
                "kb_id": min(self.kb_ids) if self.kb_ids else None, "kb_ids": sorted(self.kb_ids),
                "aliases": sorted((self.names | self.aliases) - {self.name}, key=str.casefold),
                "n_docs": len(self.doc_ids), "mentions": self.count, "merged": list(self.merged)}


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, x: str) -> None:
        self.parent.setdefault(x, x)

    def find(self, x: str) -> str:
        self.add(x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, keep: str, other: str) -> None:
        """Join ``other``'s set into ``keep``'s; ``keep``'s root stays the root."""
        a, b = self.find(keep), self.find(other)
        if a != b:
            self.parent[b] = a


_ACRONYM = re.compile(r"[A-Z]{2,6}")


def initials(name: str) -> str | None:
    """The acronym of an organisation's name of three capitalised words or more ("Institute for Frontier
    Studies" -> "IFS"; lower-case words such as "for" and "the" are left out), else None."""
    words = [w for w in re.split(r"[\s-]+", name.strip()) if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) >= 3 else None


def node_of(name: str) -> str:
    return "nm:" + normalize(name)


# ---------------------------------------------------------------- resolution

class Resolver:
    """Built once from the entity rows and the active edits; answers name -> cluster."""

    def __init__(self, rows: Iterable[Row], edits: list[EntityEdit]) -> None:
        self.uf = UnionFind()
        self.rows = list(rows)
        self.edits = edits
        self.detached = {e["other_key"] for e in edits if e["action"] == "split"}
        self._row_nodes = [self._attach(r) for r in self._with_kb_index()]
        for e in edits:
            if e["action"] == "merge":
                self.uf.union(e["target_key"], e["other_key"])
        self.clusters = self._build()
        self.by_id = {c.id.casefold(): c for c in self.clusters.values()}
        self._surface = self._surface_index()
        self._cache: dict[str, Cluster] = {}
        self._others: dict[tuple[str, str], Cluster] | None = None

    def _with_kb_index(self) -> list[Row]:
        """Names and surface forms that belong to exactly one kb id (a no-kb row of that name joins it)."""
        names: dict[str, set[str]] = {}
        surfaces: dict[tuple[str, str], set[str]] = {}
        for r in self.rows:
            if r.kb_id:
                names.setdefault(node_of(r.name), set()).add(r.kb_id)
                for s in r.mentions:
                    surfaces.setdefault((node_of(s), r.type), set()).add(r.kb_id)
        self._name_sets, self._surface_sets = names, surfaces  # kept for extending (fuse/incremental.py)
        self._name_kb = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}
        self._ambiguous = {k for k, v in names.items() if len(v) > 1}
        self._surface_kb = {k: next(iter(v)) for k, v in surfaces.items() if len(v) == 1}
        return self.rows

    def _attach(self, r: Row) -> str:
        nm = node_of(r.name)
        if nm in self.detached:
            self.uf.add(nm)
            return nm
        node = f"kb:{r.kb_id}" if r.kb_id else nm
        self.uf.add(node)
        kb = self._name_kb.get(nm)
        if kb is None and not r.kb_id and nm not in self._ambiguous:
            kb = self._surface_kb.get((nm, r.type))
        if kb and (not r.kb_id or r.kb_id == kb):
            self.uf.union(f"kb:{kb}", nm)
        return node

    def _build(self) -> dict[str, Cluster]:
        clusters: dict[str, Cluster] = {}
        votes: dict[str, Counter[str]] = {}
        for r, node in zip(self.rows, self._row_nodes):
            c = self._cluster(clusters, node)
            c.names.add(r.name)
            c.types[r.type] += max(r.count, 1)
            c.kb_ids.update([r.kb_id] if r.kb_id and node.startswith("kb:") else [])
            c.doc_ids.add(r.doc_id)
            c.count += r.count
            votes.setdefault(node, Counter())[r.name] += max(r.count, 1)
            votes.setdefault(node_of(r.name), Counter())[r.name] += max(r.count, 1)
            self._add_surfaces(clusters, c, r)
        for e in self.edits:  # entities known only from claims or quotes, touched by an edit
            for key, name in ((e["target_key"], e["target_name"]), (e["other_key"], e["other_name"])):
                c = self._cluster(clusters, key, known=False)
                votes.setdefault(key, Counter())[name] += 0
                if e["action"] == "merge" and key == e["other_key"] and name not in c.merged:
                    c.merged.append(name)
        for c in clusters.values():
            self._name_cluster(c, votes)
        self._votes = votes  # kept for extending (fuse/incremental.py)
        return clusters

    def _cluster(self, clusters: dict[str, Cluster], node: str, known: bool = True) -> Cluster:
        root = self.uf.find(node)
        c = clusters.get(root)
        if c is None:
            c = clusters[root] = Cluster(key=root, known=known)
        c.known = c.known or known
        c.nodes.add(node)
        return c

    def _add_surfaces(self, clusters: dict[str, Cluster], c: Cluster, r: Row) -> None:
        for s in r.mentions:
            key = node_of(s)
            if key in self.detached and key != node_of(r.name):
                other = self._cluster(clusters, key)
                other.aliases.add(s)
                other.doc_ids.add(r.doc_id)
                other.types[r.type] += 1
            else:
                c.aliases.add(s)

    def _name_cluster(self, c: Cluster, votes: dict[str, Counter[str]]) -> None:
        ranked = votes.get(c.key) or Counter()
        if not ranked:
            for node in c.nodes:
                ranked.update(votes.get(node) or {})
        if ranked:
            c.name = sorted(ranked.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        else:
            c.name = next(iter(sorted(c.aliases)), c.key[3:])
        c.names.add(c.name)
        if c.key.startswith("kb:"):
            c.kb_ids.add(c.key[3:])
        c.id = c.key[3:] if c.key.startswith("kb:") else slug(c.name)
        c.merged = [m for m in c.merged if normalize(m) != normalize(c.name)]

    def _surface_index(self) -> dict[str, Cluster | None]:
        index: dict[str, Cluster | None] = {}
        for c in self.clusters.values():
            for s in c.aliases:
                key = normalize(s)
                index[key] = c if index.get(key, c) is c else None  # ambiguous -> None
        return index

    # -- queries --------------------------------------------------------------------------
    def node_norms(self, key: str) -> set[str]:
        """Normalised canonical names of the rows attached to one node."""
        out = {normalize(r.name) for r, n in zip(self.rows, self._row_nodes) if n == key}
        return out | ({key[3:]} if key.startswith("nm:") else set())

    def known(self, name: str) -> bool:
        return node_of(name) in self.uf.parent or normalize(name) in self._surface

    def resolve(self, name: str | None) -> Cluster | None:
        """The cluster a name belongs to; an unknown name is an entity of its own (not listed)."""
        if not name:
            return None
        hit = self._cache.get(name)
        if hit is None:
            hit = self._cache[name] = self._resolve(name)
        return hit

    def _resolve(self, name: str) -> Cluster:
        node = node_of(name)
        if node in self.uf.parent:
            root = self.uf.find(node)
            if root in self.clusters:
                return self._home(self.clusters[root])
        via_surface = self._surface.get(normalize(name))
        if via_surface is not None:
            return self._home(via_surface)
        return self._home(Cluster(key=node, id=slug(name), name=name, names={name}, nodes={node}, known=False))

    def _home(self, c: Cluster) -> Cluster:
        """Where a name no gazetteer entry links is one listed entity's other name (rules 3 and 4): a
        nationality that is the regular demonym of one place only ("Korvalian" -> Korvalia), an acronym
        that is the initials of one organisation only ("IFS" -> Institute for Frontier Studies); else ``c``."""
        if c.kb_ids or " " in c.name.strip():
            return c
        if not c.known or c.type == "NORP":
            hit = self.other_names().get(("demonym", c.name.casefold()))
            if hit is not None:
                return hit
        if _ACRONYM.fullmatch(c.name.strip()) and (not c.known or c.type == "ORG"):
            hit = self.other_names().get(("acronym", c.name.strip()))
            if hit is not None:
                return hit
        return c

    def other_names(self) -> dict[tuple[str, str], Cluster]:
        """("demonym", lower-case demonym) -> its one place (GPE); ("acronym", initials) -> its one
        organisation (ORG, a name of three words or more); made once per resolver."""
        if self._others is None:
            found: dict[tuple[str, str], list[Cluster]] = {}
            for c in self.clusters.values():
                if c.type == "GPE" and c.name:
                    for form in demonym_forms(c.name):
                        found.setdefault(("demonym", form), []).append(c)
                elif c.type == "ORG" and c.known:
                    letters = initials(c.name)
                    if letters:
                        found.setdefault(("acronym", letters), []).append(c)
            self._others = {k: v[0] for k, v in found.items() if len(v) == 1}
        return self._others

    def get(self, text: str) -> Cluster | None:
        """An entity by id, canonical name or alias; None when nothing of that name is known."""
        hit = self.by_id.get(text.strip().casefold())
        if hit is not None:
            return hit
        return self.resolve(text) if self.known(text) else None

    def listed(self) -> list[Cluster]:
        return sorted((c for c in self.clusters.values() if c.known or c.merged),
                      key=lambda c: (-len(c.doc_ids), c.name.casefold()))


# ---------------------------------------------------------------- writing edits

def add_edit(store: Store, action: str, target: Cluster, other_key: str, other_name: str) -> int:
    return store.add_entity_edit(action, target.key, target.name, other_key, other_name, now())


def undo_edits(store: Store, ids: Iterable[int]) -> list[int]:
    return store.undo_entity_edits(list(ids), now())


def merges_bringing(edits: list[EntityEdit], resolver: Resolver, entity: Cluster, alias: str) -> list[int]:
    """Active merges into ``entity`` whose merged-in side carries the name ``alias``."""
    key, norm = node_of(alias), normalize(alias)
    out = []
    for e in edits:
        if e["action"] != "merge" or e["target_key"] not in entity.nodes | {entity.key}:
            continue
        if e["other_key"] == key or normalize(e["other_name"]) == norm or norm in resolver.node_norms(e["other_key"]):
            out.append(e["id"])
    return out


def splits_between(edits: list[EntityEdit], a: Cluster, b: Cluster) -> list[int]:
    nodes = a.nodes | b.nodes | {node_of(n) for n in a.names | a.aliases | b.names | b.aliases}
    return [e["id"] for e in edits if e["action"] == "split" and e["other_key"] in nodes]
