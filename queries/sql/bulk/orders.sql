-- Orders for neo4j-admin import files, one page in key order (loaders/bulk.py).
-- $params: $after — the last orderId of the page before ('' for the first); $limit — page size
-- returns: orderId, purchasedAt (ISO-8601 text), amount, directAmount, currency
SELECT orderId, purchasedAt, amount, directAmount, currency FROM purchase_order
WHERE orderId > :after ORDER BY orderId LIMIT :limit
