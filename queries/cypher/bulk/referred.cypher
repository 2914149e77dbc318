// Referrals between records (REFERRED) for neo4j-admin import files, one page in (src, dst)
// order (loaders/bulk.py).
// $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
// returns: src, dst (record uids), at, campaign
MATCH (a:Customer)-[r:REFERRED]->(b:Customer)
WHERE a.uid > $afterSrc OR (a.uid = $afterSrc AND b.uid > $afterDst)
RETURN a.uid AS src, b.uid AS dst, r.at AS at, r.campaign AS campaign
ORDER BY src, dst LIMIT $limit
