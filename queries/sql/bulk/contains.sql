-- Order lines (CONTAINS) for neo4j-admin import files, one page in (src, dst) order
-- (loaders/bulk.py).
-- $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
-- returns: src (orderId), dst (productId), quantity, amount
SELECT src, dst, quantity, amount FROM contains WHERE (src, dst) > (:afterSrc, :afterDst)
ORDER BY src, dst LIMIT :limit
