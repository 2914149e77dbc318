-- Records' links to their identifiers for neo4j-admin import files, one page in (src, dst)
-- order (loaders/bulk.py).
-- $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
-- returns: src (record uid), dst (identifier key)
SELECT src, dst FROM has_identifier WHERE (src, dst) > (:afterSrc, :afterDst)
ORDER BY src, dst LIMIT :limit
