-- 002: extraction records. Each row keeps the document id, offsets into its clean text and the
-- version of the component that made it.
CREATE TABLE extractions (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    pipeline TEXT NOT NULL,          -- JSON {component: version}
    at TEXT NOT NULL
);
CREATE TABLE mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, label TEXT NOT NULL, canonical TEXT NOT NULL, kb_id TEXT, source TEXT
);
CREATE INDEX mentions_doc ON mentions(doc_id);
CREATE INDEX mentions_canonical ON mentions(canonical);
CREATE TABLE entities (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name TEXT NOT NULL, type TEXT NOT NULL, kb_id TEXT,
    mentions TEXT NOT NULL DEFAULT '[]', count INTEGER NOT NULL DEFAULT 0, version TEXT
);
CREATE INDEX entities_doc ON entities(doc_id);
CREATE INDEX entities_name ON entities(name);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    speaker TEXT, speaker_surface TEXT, speaker_title TEXT, text TEXT NOT NULL, said_on TEXT,
    kind TEXT, start INTEGER, "end" INTEGER, version TEXT
);
CREATE INDEX quotes_doc ON quotes(doc_id);
CREATE INDEX quotes_speaker ON quotes(speaker);
CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    value REAL, low REAL, high REAL, qualifier TEXT, trend TEXT, unit TEXT, counted TEXT,
    measure TEXT, subject TEXT, source TEXT, attribution TEXT NOT NULL DEFAULT '[]', hedge TEXT,
    conditional INTEGER NOT NULL DEFAULT 0, as_of TEXT, location TEXT,
    span TEXT, sentence TEXT, start INTEGER, "end" INTEGER, flags TEXT NOT NULL DEFAULT '[]', version TEXT
);
CREATE INDEX claims_doc ON claims(doc_id);
CREATE INDEX claims_measure ON claims(measure, subject);
CREATE TABLE times (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    text TEXT NOT NULL, value TEXT, type TEXT, start INTEGER, "end" INTEGER, version TEXT
);
CREATE INDEX times_doc ON times(doc_id);
