-- Referrals between records (REFERRED) for neo4j-admin import files, one page in (src, dst)
-- order (loaders/bulk.py).
-- $params: $afterSrc, $afterDst — the last pair of the page before ('' for the first); $limit
-- returns: src, dst (record uids), at, campaign
SELECT src, dst, at, campaign FROM referred WHERE (src, dst) > (:afterSrc, :afterDst)
ORDER BY src, dst LIMIT :limit
