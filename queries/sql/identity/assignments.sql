-- Each record's current person and when that person was created (for stable ids).
-- $params: none
-- returns: uid, personId, createdAt
SELECT r.src AS uid, p.personId AS personId, p.createdAt AS createdAt
FROM resolves_to r JOIN person p ON p.personId = r.dst
