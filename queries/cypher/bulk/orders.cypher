// Orders for neo4j-admin import files, one page in key order (loaders/bulk.py).
// $params: $after — the last orderId of the page before ('' for the first); $limit — page size
// returns: orderId, purchasedAt (ISO-8601 text), amount, directAmount, currency
MATCH (o:Order) WHERE o.orderId > $after
RETURN o.orderId AS orderId, o.purchasedAt AS purchasedAt, o.amount AS amount,
       o.directAmount AS directAmount, o.currency AS currency
ORDER BY orderId LIMIT $limit
