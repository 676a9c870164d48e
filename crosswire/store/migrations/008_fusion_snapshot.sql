-- 008: fusion's state as the last ingest left it (crosswire/fuse/snapshot.py), so that the first reader
-- after a big ingest (`crosswire serve`, `figures`, ...) loads it instead of building fusion again.
-- Derived data only: deleting these rows loses nothing (the next ingest or reader builds fusion again).
-- One row says what the saved state reflects; its bytes are kept in parts (a row holds at most 1 GB).
CREATE TABLE fusion_snapshot (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    mark TEXT NOT NULL,
    format TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    parts INTEGER NOT NULL,
    made_at TEXT NOT NULL
);
CREATE TABLE fusion_snapshot_parts (
    seq INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
