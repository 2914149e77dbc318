// Products for neo4j-admin import files, one page in key order (loaders/bulk.py).
// $params: $after — the last productId of the page before ('' for the first); $limit — page size
// returns: productId, category
MATCH (p:Product) WHERE p.productId > $after
RETURN p.productId AS productId, p.category AS category ORDER BY productId LIMIT $limit
