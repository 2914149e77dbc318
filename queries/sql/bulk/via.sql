-- The channel of each order (VIA) for neo4j-admin import files, one page in order key order
-- (loaders/bulk.py).
-- $params: $afterSrc — the last orderId of the page before ('' for the first); $limit
-- returns: src (orderId), dst (channelId)
SELECT src, dst FROM via WHERE src > :afterSrc ORDER BY src LIMIT :limit
