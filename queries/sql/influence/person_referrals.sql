-- The person graph for the influence and community jobs, part 1: person-level referrals,
-- in no particular order (the projection sorts every edge).
-- $params: none
-- returns: src, dst (person ids), weight (how many record referrals), at (the first one's time)
-- mode: typed — one type per column: read straight into Arrow columns
SELECT src, dst, CAST(count AS REAL) AS weight, at FROM person_referred
