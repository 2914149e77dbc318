-- Some records' current persons and when those persons were created (for stable ids in
-- an incremental run).
-- $params: $uids (a list)
-- returns: uid, personId, createdAt
SELECT r.src AS uid, p.personId AS personId, p.createdAt AS createdAt
FROM resolves_to r JOIN person p ON p.personId = r.dst
WHERE r.src IN (SELECT value FROM json_each(:uids))
