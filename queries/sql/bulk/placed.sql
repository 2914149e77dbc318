-- Who placed each order (PLACED) for neo4j-admin import files, one page in order key order
-- (loaders/bulk.py).
-- $params: $afterDst — the last orderId of the page before ('' for the first); $limit
-- returns: src (record uid), dst (orderId)
SELECT src, dst FROM placed WHERE dst > :afterDst ORDER BY dst LIMIT :limit
