// The channel of each order (VIA) for neo4j-admin import files, one page in order key order
// (loaders/bulk.py).
// $params: $afterSrc — the last orderId of the page before ('' for the first); $limit
// returns: src (orderId), dst (channelId)
MATCH (o:Order)-[:VIA]->(ch:Channel) WHERE o.orderId > $afterSrc
RETURN o.orderId AS src, ch.channelId AS dst ORDER BY src LIMIT $limit
