// Order lines (CONTAINS) for neo4j-admin import files, one page in (src, dst) order
// (loaders/bulk.py).
// $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
// returns: src (orderId), dst (productId), quantity, amount
MATCH (o:Order)-[r:CONTAINS]->(p:Product)
WHERE o.orderId > $afterSrc OR (o.orderId = $afterSrc AND p.productId > $afterDst)
RETURN o.orderId AS src, p.productId AS dst, r.quantity AS quantity, r.amount AS amount
ORDER BY src, dst LIMIT $limit
