-- Add person-level referrals directly (benchmarks and imports of an existing person graph;
-- the identity job derives them from record-level referrals instead).
-- $params: $rows — each {src, dst, count, at}
-- returns: nothing
INSERT INTO person_referred (src, dst, count, at) VALUES (:src, :dst, :count, :at)
ON CONFLICT (src, dst) DO UPDATE SET count = excluded.count, at = excluded.at
