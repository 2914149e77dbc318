// Identifiers for neo4j-admin import files, one page in key order (loaders/bulk.py).
// $params: $after — the last key of the page before ('' for the first); $limit — page size
// returns: key, kind, value
MATCH (i:Identifier) WHERE i.key > $after
RETURN i.key AS key, i.kind AS kind, i.value AS value ORDER BY key LIMIT $limit
