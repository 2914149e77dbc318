-- Upgrade an embedded store of schema version 3 to 4 (run before schema/create): a file's
-- manifest counts the rows that loaded with a dropped optional field (rowsWarned).
-- Files loaded before count none.
-- $params: none
-- returns: nothing
ALTER TABLE load_file ADD COLUMN rowsWarned INTEGER
