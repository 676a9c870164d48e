-- 001: raw inputs, documents (versioned), removed lines, rejections, full-text search.
CREATE TABLE raw_inputs (
    id TEXT PRIMARY KEY,            -- sha256 of the bytes as received
    source TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB,                     -- the input exactly as received
    status TEXT NOT NULL DEFAULT 'done',
    received_at TEXT NOT NULL
);
CREATE TABLE documents (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,        -- content hash of the decoded text
    key TEXT NOT NULL,              -- url, external id or path: versions of one report share it
    version INTEGER NOT NULL DEFAULT 1,
    raw_id TEXT REFERENCES raw_inputs(id),
    locator TEXT,
    source TEXT NOT NULL,
    input_kind TEXT NOT NULL,
    encoding TEXT,
    raw BLOB,                       -- this report's bytes as received (a JSONL line, a feed entry, a file)
    decoded TEXT,
    title TEXT,
    publisher TEXT,
    published TEXT,
    published_bounds TEXT,          -- JSON [not_before, not_after], inferred
    authors TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    url TEXT,
    external_id TEXT,
    text TEXT NOT NULL,
    segments TEXT NOT NULL DEFAULT '[]',
    meta_sources TEXT NOT NULL DEFAULT '{}',
    cleaner_version TEXT,
    ingested_at TEXT NOT NULL
);
CREATE INDEX documents_key ON documents(key);
CREATE INDEX documents_published ON documents(published);
CREATE TABLE removed_lines (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    lineno INTEGER NOT NULL,
    rule TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX removed_lines_doc ON removed_lines(doc_id);
CREATE TABLE rejections (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw_id TEXT,
    raw BLOB,
    at TEXT NOT NULL
);
CREATE VIRTUAL TABLE docs_fts USING fts5(title, text, content='documents', content_rowid='rowid',
                                         tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO docs_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO docs_fts(docs_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
