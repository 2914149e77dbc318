// The most recent loaded files, newest first.
// $params: $limit (int)
// returns: path, kind, status, rowsRead, rowsLoaded, rowsRejected, startedAt, finishedAt
MATCH (f:LoadFile)
RETURN f.path AS path, f.kind AS kind, f.status AS status, f.rowsRead AS rowsRead,
       f.rowsLoaded AS rowsLoaded, f.rowsRejected AS rowsRejected,
       f.startedAt AS startedAt, f.finishedAt AS finishedAt
ORDER BY f.startedAt DESC, f.path
LIMIT $limit
