-- Identifiers for neo4j-admin import files, one page in key order (loaders/bulk.py).
-- $params: $after — the last key of the page before ('' for the first); $limit — page size
-- returns: key, kind, value
SELECT key, kind, value FROM identifier WHERE key > :after ORDER BY key LIMIT :limit
