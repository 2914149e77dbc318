-- The load manifest for neo4j-admin import files (LoadFile nodes; loaders/bulk.py).
-- $params: $after — the last fileKey of the page before ('' for the first); $limit — page size
-- returns: every LoadFile property
SELECT fileKey, path, kind, checksum, batchSize, batchesDone, rowsRead, rowsLoaded,
       rowsRejected, rowsWarned, status, startedAt, finishedAt
FROM load_file WHERE fileKey > :after ORDER BY fileKey LIMIT :limit
