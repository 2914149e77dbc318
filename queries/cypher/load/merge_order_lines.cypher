// Insert or update the product lines of orders; a line is identified by (orderId, productId).
// Orders and products exist already (load/merge_orders, load/merge_products).
// $params: $rows — each {orderId, productId, quantity, amount}; quantity may be null
// returns: nothing
UNWIND $rows AS row
MATCH (o:Order {orderId: row.orderId})
MATCH (p:Product {productId: row.productId})
MERGE (o)-[l:CONTAINS]->(p)
SET l.quantity = row.quantity, l.amount = row.amount
