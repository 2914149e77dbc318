-- Records' touch sums per channel (TOUCHED) for neo4j-admin import files, one page in
-- (src, dst) order (loaders/bulk.py).
-- $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
-- returns: src (record uid), dst (channelId), count, firstAt, lastAt
SELECT src, dst, count, firstAt, lastAt FROM touched WHERE (src, dst) > (:afterSrc, :afterDst)
ORDER BY src, dst LIMIT :limit
