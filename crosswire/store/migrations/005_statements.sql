-- Statements (issue 8): every attribution relation is a quote record with its cue and the chain of
-- whom the speaker relies on (the source as written stays in speaker_surface).
ALTER TABLE quotes ADD COLUMN cue TEXT;
ALTER TABLE quotes ADD COLUMN chain TEXT;  -- JSON list: the speaker first, then whom they cite
