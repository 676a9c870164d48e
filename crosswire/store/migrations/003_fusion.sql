-- 003: the user's entity edits for fusion (crosswire/fuse/entities.py).
-- Edits are keyed by resolution keys ("kb:<kb id>" or "nm:<normalised name>"), never by row ids,
-- so they survive re-ingest and re-extraction (which replace the entity rows). An edit is undone
-- by setting undone_at; it is never deleted, so the history stays visible.
CREATE TABLE entity_edits (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('merge', 'split')),
    target_key TEXT NOT NULL,       -- merge: the entity kept; split: the entity an alias leaves
    target_name TEXT NOT NULL,      -- as the user saw it, for display
    other_key TEXT NOT NULL,        -- merge: the entity merged in; split: "nm:<alias>" detached
    other_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undone_at TEXT
);
CREATE INDEX entity_edits_active ON entity_edits(undone_at, id);
