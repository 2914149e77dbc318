// Social links of one kind between records for neo4j-admin import files, one page in
// (src, dst) order (loaders/bulk.py).
// slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH (the relationship type)
// $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
// returns: src, dst (record uids), weight, since, platform
MATCH (a:Customer)-[r:{{rel}}]->(b:Customer)
WHERE a.uid > $afterSrc OR (a.uid = $afterSrc AND b.uid > $afterDst)
RETURN a.uid AS src, b.uid AS dst, r.weight AS weight, r.since AS since, r.platform AS platform
ORDER BY src, dst LIMIT $limit
