// Records' links to their identifiers for neo4j-admin import files, one page in (src, dst)
// order (loaders/bulk.py).
// $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
// returns: src (record uid), dst (identifier key)
MATCH (c:Customer)-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE c.uid > $afterSrc OR (c.uid = $afterSrc AND i.key > $afterDst)
RETURN c.uid AS src, i.key AS dst
ORDER BY src, dst LIMIT $limit
