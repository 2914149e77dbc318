-- Write a file's manifest entry: started, one more batch committed, or finished. Committed in
-- the same transaction as the batch it counts, so a killed load resumes exactly where it stopped.
-- $params: $fileKey, $path, $kind, $checksum, $batchSize, $batchesDone, $rowsRead, $rowsLoaded,
--          $rowsRejected, $rowsWarned, $status ('loading' | 'done'), $startedAt, $finishedAt
-- returns: nothing
INSERT INTO load_file (fileKey, path, kind, checksum, batchSize, batchesDone, rowsRead,
                       rowsLoaded, rowsRejected, rowsWarned, status, startedAt, finishedAt)
VALUES (:fileKey, :path, :kind, :checksum, :batchSize, :batchesDone, :rowsRead, :rowsLoaded,
        :rowsRejected, :rowsWarned, :status, :startedAt, :finishedAt)
ON CONFLICT (fileKey) DO UPDATE SET
  path = excluded.path, kind = excluded.kind, checksum = excluded.checksum,
  batchSize = excluded.batchSize, batchesDone = excluded.batchesDone,
  rowsRead = excluded.rowsRead, rowsLoaded = excluded.rowsLoaded,
  rowsRejected = excluded.rowsRejected,
  rowsWarned = excluded.rowsWarned, status = excluded.status,
  startedAt = coalesce(load_file.startedAt, excluded.startedAt), finishedAt = excluded.finishedAt
