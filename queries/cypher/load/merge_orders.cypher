// Insert or update orders (one row per order of a batch of purchase lines) and who placed them.
// A line without a product sets directAmount (hasDirect true); otherwise it is left as it was.
// $params: $rows — each {orderId, uid, purchasedAt, currency, hasDirect, directAmount}
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
MERGE (o:Order {orderId: row.orderId})
SET o.purchasedAt = datetime(row.purchasedAt), o.currency = row.currency,
    o.directAmount = CASE WHEN row.hasDirect THEN row.directAmount ELSE o.directAmount END
WITH c, o
OPTIONAL MATCH (o)<-[old:PLACED]-(other:Customer) WHERE other <> c
DELETE old
MERGE (c)-[:PLACED]->(o)
