"""Fusion's state saved in the knowledge base, so that a reader loads it instead of building it.

    code = fingerprint(settings)                  # fusion code + rules + gazetteer + settings fusion reads
    data = dumps(state, gazetteer)                # bytes (FORMAT) of an ``incremental.State``
    state = loads(data, gazetteer)                # the same state (SnapshotUnreadable when it is not one)

``crosswire ingest`` saves the state it brought up to date (``Crosswire.save_fusion``, stored by
``store/snapshots.py``); a reader with no state yet (``Fusion._refresh``) loads the saved one when its
fingerprint is this code's and refreshes it incrementally from the reports added since (the same answers
as a full build: tests/test_snapshot.py), and builds fusion itself, with a message, when the fingerprint
differs (another crosswire version, edited fusion.toml / estimative.toml / gazetteer, other source grades)
or the bytes are damaged.

Why pickle. The state is a graph of tens of millions of shared objects (points sit in series, figures,
period indexes and page data at once; conflicts in lists, slots and pages; ``Model.prepare_pages`` and the
arithmetic checks compare them by identity). A plain-data format would have to number every shared object
and rebuild the sharing by hand in code that follows every change to the model; pickle keeps the sharing
as it is, in C. Measured at 1M claims (README, "Fusion saved by ingest"): the state pickles to about 865 MB,
zlib (level 1) makes that about 214 MB.

Pickle runs code named in the bytes when they are loaded. The bytes live in the user's own knowledge base,
written by crosswire; still, a knowledge base from someone else could carry a crafted one. So loading is
restricted (``_Unpickler.find_class``): only crosswire's fusion classes and a few built-in containers may be
named; anything else makes the snapshot unreadable (a message, and fusion is built instead). Treat a
knowledge base from an untrusted source as you would a program from it (its saved state is the two
``fusion_snapshot`` tables: deleting their rows loses nothing).
"""
from __future__ import annotations

import contextvars
import copyreg
import dataclasses
import functools
import hashlib
import io
import json
import pickle
import sys
import zlib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..nlp.gazetteer import Gazetteer
from ..resources import Resources
from .incremental import State
from .rules import DATA, rules

if TYPE_CHECKING:
    from ..store.snapshots import SnapshotHeader

FORMAT = "pickle-5+zlib-1"
HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
# what fusion's answers depend on besides the knowledge base: its code (these modules), its rules (data files)
CODE = sorted([*HERE.glob("*.py"), PACKAGE / "names.py", PACKAGE / "dates.py", PACKAGE / "store" / "rows.py",
               PACKAGE / "store" / "fusion_reads.py", PACKAGE / "nlp" / "gazetteer.py"])
RULES = ("fusion.toml", "estimative.toml")
# the classes a snapshot may name besides crosswire's fusion classes (``_Unpickler``)
ALLOWED = {("builtins", "set"), ("builtins", "frozenset"), ("builtins", "complex"), ("collections", "Counter"),
           ("collections", "OrderedDict"), ("collections", "defaultdict"), ("collections", "deque"),
           ("re", "_compile"), ("copyreg", "_reconstructor"), ("builtins", "object")}
ALLOWED_MODULES = ("crosswire.fuse.", "crosswire.store.rows", "crosswire.names")


class SnapshotUnreadable(Exception):
    """The bytes are not a state this code saved (damaged, or naming a class it may not)."""


def fingerprint(settings: dict[str, Any]) -> str:
    """SHA-256 (hex) of what a saved state depends on besides the knowledge base: crosswire's version, Python's,
    the fusion code and the rules files (hashed once per process: ``_code_hash``), the gazetteer read (``data``
    folder or bundled) and the source grades."""
    h = hashlib.sha256(_code_hash().encode())
    h.update(Resources(settings.get("data")).path("gazetteer.toml").read_bytes())
    h.update(json.dumps(settings.get("source_grades") or {}, sort_keys=True).encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _code_hash() -> str:
    """The part of the fingerprint that cannot change while the process runs: FORMAT, the versions, the fusion
    code and the rules files."""
    h = hashlib.sha256()
    try:
        version = metadata.version("crosswire")
    except metadata.PackageNotFoundError:
        version = "unknown"
    h.update(f"{FORMAT}|crosswire {version}|python {sys.version_info[0]}.{sys.version_info[1]}|".encode())
    for path in CODE:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in RULES:
        h.update(name.encode() + b"\0" + (DATA / name).read_bytes() + b"\0")
    return h.hexdigest()


def usable(header: SnapshotHeader, settings: dict[str, Any]) -> bool:
    """Whether a saved state of this header was made by this fusion code, rules and settings (its format is part
    of the fingerprint)."""
    return header.code == fingerprint(settings)


def dumps(state: State, gazetteer: Gazetteer) -> bytes:
    """``state`` as bytes (FORMAT), without the answers derived from it (``extra``); the gazetteer and the fusion
    rules are named, not copied (``loads`` puts the reader's own in their place: the fingerprint says they are
    the same)."""
    buf = io.BytesIO()
    _Pickler(buf, gazetteer).dump(dataclasses.replace(state, extra={}))
    return zlib.compress(buf.getvalue(), 1)


def loads(data: bytes, gazetteer: Gazetteer) -> State:
    """The state ``dumps`` made; SnapshotUnreadable when ``data`` is not one."""
    token = _LOADING.set(_shared(gazetteer))
    try:
        state = _Unpickler(io.BytesIO(zlib.decompress(data))).load()
    except SnapshotUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - truncated or altered bytes fail in many ways: each is "unreadable"
        raise SnapshotUnreadable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        _LOADING.reset(token)
    if not isinstance(state, State):
        raise SnapshotUnreadable(f"it holds a {type(state).__name__}, not a fusion state")
    return state


def _shared(gazetteer: Gazetteer) -> dict[str, Any]:
    return {"gazetteer": gazetteer, "name-rules": gazetteer.rules, "fusion-rules": rules()}


# the reader's own gazetteer and rules while ``loads`` runs (``shared``)
_LOADING: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("crosswire_snapshot_shared",
                                                                                   default=None)


def shared(name: str) -> Any:
    """On loading: the reader's own gazetteer or rules in place of the one the state was saved with."""
    table = _LOADING.get()
    if table is None or name not in table:
        raise SnapshotUnreadable(f"it names an unknown shared object {name!r}")
    return table[name]


class _Pickler(pickle.Pickler):
    """A pickler that writes the gazetteer and the fusion rules as a reference (``shared``): a reducer per class
    in its dispatch table, looked up in C, so no Python code runs for the tens of millions of other objects."""

    def __init__(self, file: io.BytesIO, gazetteer: Gazetteer) -> None:
        super().__init__(file, protocol=5)
        table = dict(copyreg.dispatch_table)
        for name, obj in _shared(gazetteer).items():
            table[type(obj)] = _reducer(name, obj)
        self.dispatch_table = table


def _reducer(name: str, obj: Any) -> Callable[[Any], Any]:
    def reduce(x: Any) -> Any:
        return (shared, (name,)) if x is obj else x.__reduce_ex__(5)
    return reduce


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        if (module, name) == (__name__, "shared"):
            return shared
        if module.startswith(ALLOWED_MODULES):
            found = super().find_class(module, name)
            if isinstance(found, type):  # a class of crosswire's fusion, never a function
                return found
        raise SnapshotUnreadable(f"it names {module}.{name}, which a fusion state never holds")
