// Recompute the amount of each order: directAmount + the sum of its lines.
// $params: $rows — each {orderId}
// returns: nothing
UNWIND $rows AS row
MATCH (o:Order {orderId: row.orderId})
OPTIONAL MATCH (o)-[l:CONTAINS]->(:Product)
WITH o, sum(l.amount) AS lines
SET o.amount = round(coalesce(o.directAmount, 0.0) + lines, 2)
