-- 004: indexes behind the dashboard's report list (filter by publisher or language, newest first)
-- and its filter menus, so a page never scans every report.
CREATE INDEX IF NOT EXISTS documents_publisher ON documents(publisher, published);
CREATE INDEX IF NOT EXISTS documents_language ON documents(language, published);
