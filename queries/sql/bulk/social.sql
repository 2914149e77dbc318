-- Social links of one kind between records for neo4j-admin import files, one page in
-- (src, dst) order (loaders/bulk.py).
-- slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH (the table of that name)
-- $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
-- returns: src, dst (record uids), weight, since, platform
SELECT src, dst, weight, since, platform FROM {{rel}} WHERE (src, dst) > (:afterSrc, :afterDst)
ORDER BY src, dst LIMIT :limit
