-- Products for neo4j-admin import files, one page in key order (loaders/bulk.py).
-- $params: $after — the last productId of the page before ('' for the first); $limit — page size
-- returns: productId, category
SELECT productId, category FROM product WHERE productId > :after ORDER BY productId LIMIT :limit
