-- 006: which rule of extract/asof.py dated each claim (clause-time, recall-offset, said-on, published ...).
ALTER TABLE claims ADD COLUMN as_of_rule TEXT;
