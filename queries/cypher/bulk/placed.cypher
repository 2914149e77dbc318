// Who placed each order (PLACED) for neo4j-admin import files, one page in order key order
// (loaders/bulk.py).
// $params: $afterDst — the last orderId of the page before ('' for the first); $limit
// returns: src (record uid), dst (orderId)
MATCH (c:Customer)-[:PLACED]->(o:Order) WHERE o.orderId > $afterDst
RETURN c.uid AS src, o.orderId AS dst ORDER BY dst LIMIT $limit
