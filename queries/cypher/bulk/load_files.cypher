// The load manifest for neo4j-admin import files (LoadFile nodes; loaders/bulk.py).
// $params: $after — the last fileKey of the page before ('' for the first); $limit — page size
// returns: every LoadFile property
MATCH (f:LoadFile) WHERE f.fileKey > $after
RETURN f.fileKey AS fileKey, f.path AS path, f.kind AS kind, f.checksum AS checksum,
       f.batchSize AS batchSize, f.batchesDone AS batchesDone, f.rowsRead AS rowsRead,
       f.rowsLoaded AS rowsLoaded, f.rowsRejected AS rowsRejected, f.rowsWarned AS rowsWarned,
       f.status AS status, f.startedAt AS startedAt, f.finishedAt AS finishedAt
ORDER BY fileKey LIMIT $limit
