// Insert products named by purchase lines; a known category is kept when a line has none.
// $params: $rows — each {productId, category}; category may be null
// returns: nothing
UNWIND $rows AS row
MERGE (p:Product {productId: row.productId})
SET p.category = coalesce(row.category, p.category)
