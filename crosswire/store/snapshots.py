"""Fusion's saved state (migration 008): one header row and the bytes in parts; what the bytes are is
``crosswire/fuse/snapshot.py``'s business, this only stores them and says whether they came back whole.

    store.write_fusion_snapshot(header, data)     # replaces the saved state, in one transaction
    store.fusion_snapshot_header()                 # SnapshotHeader | None: what it reflects, without its bytes
    store.read_fusion_snapshot()                   # (header, bytes) | None; SnapshotDamaged if not whole
    store.fusion_snapshot_whole(header)            # its parts' count and total size, bytes not read
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ..errors import CrosswireError
from .base import StoreMixin
from .reads import mapped
from .rows import FusionMark

PART_BYTES = 64 * 1024 * 1024  # bytes per row of fusion_snapshot_parts (SQLite and PostgreSQL cap a value at 1 GB)


class SnapshotDamaged(CrosswireError):
    """The saved fusion state did not come back as written (truncated, altered, parts missing)."""


@dataclass(frozen=True, slots=True)
class SnapshotHeader:
    code: str  # fingerprint of the fusion code, rules and settings that made the state
    mark: FusionMark  # what of the knowledge base the state reflects
    format: str  # how the bytes encode the state
    size: int = 0  # bytes
    sha256: str = ""
    parts: int = 0
    made_at: str = ""


def mark_json(mark: FusionMark) -> str:
    return json.dumps({"tables": mark.tables, "edits": mark.edits, "reviews": mark.reviews})


def mark_from_json(text: str) -> FusionMark:
    d = json.loads(text)
    return FusionMark(tuple((str(t), int(top), int(n)) for t, top, n in d["tables"]),
                      (int(d["edits"][0]), int(d["edits"][1])), tuple(int(x) for x in d["reviews"]))


class SnapshotStore(StoreMixin):
    """Fusion's saved state; mixed into ``Store`` (store/base.py: what it uses of it)."""

    @mapped
    def fusion_snapshot_header(self) -> SnapshotHeader | None:
        """What the saved fusion state reflects (None when there is none, or the header cannot be read)."""
        row = self.conn.execute("SELECT code, mark, format, size, sha256, parts, made_at FROM fusion_snapshot"
                                " WHERE id = 1").fetchone()
        if row is None:
            return None
        try:
            return SnapshotHeader(str(row[0]), mark_from_json(str(row[1])), str(row[2]), int(row[3]), str(row[4]),
                                  int(row[5]), str(row[6]))
        except (ValueError, KeyError, TypeError) as exc:
            raise SnapshotDamaged(f"the saved fusion state's header in {self.path} cannot be read ({exc})") from exc

    @mapped
    def read_fusion_snapshot(self) -> tuple[SnapshotHeader, bytes] | None:
        """The saved fusion state's header and bytes (None when there is none); SnapshotDamaged when the bytes
        are not those written (size, parts or SHA-256 differ)."""
        header = self.fusion_snapshot_header()
        if header is None:
            return None
        pieces = [bytes(r[0]) for r in self.conn.execute("SELECT data FROM fusion_snapshot_parts ORDER BY seq")]
        data = b"".join(pieces)
        if len(pieces) != header.parts or len(data) != header.size:
            raise SnapshotDamaged(f"the saved fusion state in {self.path} is incomplete: {len(data):,} bytes in "
                                  f"{len(pieces)} part(s), expected {header.size:,} in {header.parts}")
        if hashlib.sha256(data).hexdigest() != header.sha256:
            raise SnapshotDamaged(f"the saved fusion state in {self.path} is damaged: its SHA-256 is not the one "
                                  "written with it")
        return header, data

    @mapped
    def fusion_snapshot_whole(self, header: SnapshotHeader) -> bool:
        """Whether the stored parts add up to ``header``'s size and count, without reading the bytes (a truncated or
        half-deleted state; a reader still checks the SHA-256 when it loads it)."""
        row = self.conn.execute("SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM fusion_snapshot_parts"
                                ).fetchone()
        return (int(row[0]), int(row[1])) == (header.parts, header.size)

    def write_fusion_snapshot(self, header: SnapshotHeader, data: bytes) -> SnapshotHeader:
        """Replace the saved fusion state by ``data`` (in one transaction); the header as written (size, parts,
        SHA-256 of ``data``)."""
        parts = [data[i:i + PART_BYTES] for i in range(0, len(data), PART_BYTES)] or [b""]
        written = SnapshotHeader(header.code, header.mark, header.format, len(data), hashlib.sha256(data).hexdigest(),
                                 len(parts), header.made_at)
        with self.transaction() as conn:
            conn.execute("DELETE FROM fusion_snapshot_parts")
            conn.execute("DELETE FROM fusion_snapshot")
            conn.execute("INSERT INTO fusion_snapshot (id, code, mark, format, size, sha256, parts, made_at)"
                         " VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                         (written.code, mark_json(written.mark), written.format, written.size, written.sha256,
                          written.parts, written.made_at))
            for seq, part in enumerate(parts):
                conn.execute("INSERT INTO fusion_snapshot_parts (seq, data) VALUES (?, ?)", (seq, part))
        return written
