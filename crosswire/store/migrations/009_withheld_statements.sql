-- 009: statements the statement filter withholds (crosswire/extract/statement_filter.py): relations judged
-- no statement of their own are no quote records, but nothing is dropped silently — they are kept here,
-- with the quote records' columns, and shown by `crosswire show` ("withheld statements"). Fusion does not
-- read them (a figure inside one still takes its source from it: attribution resolves every relation).
CREATE TABLE withheld_statements (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    speaker TEXT, speaker_surface TEXT, speaker_title TEXT, text TEXT NOT NULL, said_on TEXT,
    kind TEXT, start INTEGER, "end" INTEGER, version TEXT, cue TEXT, chain TEXT, parts TEXT
);
CREATE INDEX withheld_statements_doc ON withheld_statements(doc_id);
