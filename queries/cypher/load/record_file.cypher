// Write a file's manifest entry: started, one more batch committed, or finished. Committed in
// the same transaction as the batch it counts, so a killed load resumes exactly where it stopped.
// $params: $fileKey, $path, $kind, $checksum, $batchSize, $batchesDone, $rowsRead, $rowsLoaded,
//          $rowsRejected, $rowsWarned, $status ('loading' | 'done'), $startedAt, $finishedAt
// returns: nothing
MERGE (f:LoadFile {fileKey: $fileKey})
SET f.path = $path, f.kind = $kind, f.checksum = $checksum, f.batchSize = $batchSize,
    f.batchesDone = $batchesDone, f.rowsRead = $rowsRead, f.rowsLoaded = $rowsLoaded,
    f.rowsRejected = $rowsRejected, f.rowsWarned = $rowsWarned, f.status = $status,
    f.startedAt = coalesce(f.startedAt, $startedAt), f.finishedAt = $finishedAt
