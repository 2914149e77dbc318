// Insert or update purchase lines. A line is identified by (orderId, productId); a line
// without a product sets the order's directAmount. The order's amount is then recomputed
// as directAmount + the sum of its lines, so re-loading a line never double counts.
// $params: $rows — each {orderId, uid, purchasedAt, amount, currency, channelId, productId,
//          category, quantity}; channelId, productId, category and quantity may be null
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
MERGE (o:Order {orderId: row.orderId})
SET o.purchasedAt = datetime(row.purchasedAt), o.currency = row.currency
WITH c, o, row
OPTIONAL MATCH (o)<-[old:PLACED]-(other:Customer) WHERE other <> c
DELETE old
MERGE (c)-[:PLACED]->(o)
FOREACH (_ IN CASE WHEN row.productId IS NULL THEN [1] ELSE [] END |
  SET o.directAmount = row.amount)
FOREACH (_ IN CASE WHEN row.productId IS NULL THEN [] ELSE [1] END |
  MERGE (p:Product {productId: row.productId})
  SET p.category = coalesce(row.category, p.category)
  MERGE (o)-[l:CONTAINS]->(p)
  SET l.quantity = row.quantity, l.amount = row.amount)
WITH o, row WHERE row.channelId IS NOT NULL
MATCH (ch:Channel {channelId: row.channelId})
OPTIONAL MATCH (o)-[oldVia:VIA]->(otherCh:Channel) WHERE otherCh <> ch
DELETE oldVia
MERGE (o)-[:VIA]->(ch);
UNWIND $rows AS row
MATCH (o:Order {orderId: row.orderId})
WITH DISTINCT o
OPTIONAL MATCH (o)-[l:CONTAINS]->(:Product)
WITH o, sum(l.amount) AS lines
SET o.amount = round(coalesce(o.directAmount, 0.0) + lines, 2)
