-- The manifest entry of one input file (by content checksum and kind), if any.
-- $params: $fileKey
-- returns: fileKey, status, batchSize, batchesDone, rowsRead, rowsLoaded, rowsRejected,
--          rowsWarned
SELECT fileKey, status, batchSize, batchesDone, rowsRead, rowsLoaded, rowsRejected, rowsWarned
FROM load_file WHERE fileKey = :fileKey
