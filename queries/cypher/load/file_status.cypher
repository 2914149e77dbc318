// The manifest entry of one input file (by content checksum and kind), if any.
// $params: $fileKey
// returns: fileKey, status, batchSize, batchesDone, rowsRead, rowsLoaded, rowsRejected,
//          rowsWarned
MATCH (f:LoadFile {fileKey: $fileKey})
RETURN f.fileKey AS fileKey, f.status AS status, f.batchSize AS batchSize,
       f.batchesDone AS batchesDone, f.rowsRead AS rowsRead, f.rowsLoaded AS rowsLoaded,
       f.rowsRejected AS rowsRejected, f.rowsWarned AS rowsWarned
