-- Statements (issue 8): every attribution relation is a quote record with its cue, the chain of whom
-- the speaker relies on (a JSON list, the speaker first), and the pieces of a content its cue
-- interrupts (a JSON list of [start, end], empty when the content is whole). The source as written
-- stays in speaker_surface.
ALTER TABLE quotes ADD COLUMN cue TEXT;
ALTER TABLE quotes ADD COLUMN chain TEXT;
ALTER TABLE quotes ADD COLUMN parts TEXT;
