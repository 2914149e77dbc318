// Records' touch sums per channel (TOUCHED) for neo4j-admin import files, one page in
// (src, dst) order (loaders/bulk.py).
// $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
// returns: src (record uid), dst (channelId), count, firstAt, lastAt
MATCH (c:Customer)-[r:TOUCHED]->(ch:Channel)
WHERE c.uid > $afterSrc OR (c.uid = $afterSrc AND ch.channelId > $afterDst)
RETURN c.uid AS src, ch.channelId AS dst, r.count AS count, r.firstAt AS firstAt, r.lastAt AS lastAt
ORDER BY src, dst LIMIT $limit
