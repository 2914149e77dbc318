-- The most recent loaded files, newest first.
-- $params: $limit (int)
-- returns: path, kind, status, rowsRead, rowsLoaded, rowsRejected, startedAt, finishedAt
SELECT path, kind, status, rowsRead, rowsLoaded, rowsRejected, startedAt, finishedAt
FROM load_file
ORDER BY startedAt DESC, path
LIMIT :limit
