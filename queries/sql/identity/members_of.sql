-- The records of some persons (an incremental run re-resolves whole persons).
-- $params: $personIds (a list)
-- returns: uid, personId
SELECT r.src AS uid, r.dst AS personId FROM resolves_to r
WHERE r.dst IN (SELECT value FROM json_each(:personIds))
