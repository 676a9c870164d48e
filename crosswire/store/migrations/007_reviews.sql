-- 007: the analyst's review of claims and conflicts (crosswire/store/review.py).
-- A claim review is keyed by what stays the same when a report is ingested or extracted again: the
-- report's content-hash id and the figure's offsets in its clean text (with the figure as written,
-- to find it if the offsets move), never by the claims row id, which re-extraction replaces. Reviews
-- are never deleted: each row is one change by one analyst at one time, applied in id order.
CREATE TABLE claim_reviews (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    span TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '{}',
    unset TEXT NOT NULL DEFAULT '[]',
    dismiss INTEGER,
    reason TEXT,
    analyst TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX claim_reviews_doc ON claim_reviews(doc_id, start);
-- A conflict review dismisses (1) or restores (0) a contradiction or divergence by its id.
CREATE TABLE conflict_reviews (
    id INTEGER PRIMARY KEY,
    conflict_id TEXT NOT NULL,
    dismiss INTEGER NOT NULL,
    reason TEXT,
    analyst TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX conflict_reviews_conflict ON conflict_reviews(conflict_id);
-- The reviews are applied to the claims rows themselves (so every reader sees them): "dismissed" leaves a
-- claim out of series, conflicts and the timeline; "extracted" keeps (JSON) what extraction said of each
-- field a review changed.
ALTER TABLE claims ADD COLUMN dismissed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN extracted TEXT;
