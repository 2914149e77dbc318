-- The manifest entry of one input file (by content checksum and kind), if any.
-- $params: $fileKey
-- returns: fileKey, status, batchSize, batchesDone, rowsRead, rowsLoaded, rowsRejected
SELECT fileKey, status, batchSize, batchesDone, rowsRead, rowsLoaded, rowsRejected
FROM load_file WHERE fileKey = :fileKey
