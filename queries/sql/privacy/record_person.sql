-- A record and the person it resolves to, before it is erased (none if the record is unknown).
-- $params: $uid
-- returns: uid, personId (null when identity has not run), erased (false)
SELECT c.uid AS uid, r.dst AS personId, 0 AS erased
FROM customer c LEFT JOIN resolves_to r ON r.src = c.uid
WHERE c.uid = :uid
UNION ALL
SELECT uid, NULL, 1 FROM tombstone WHERE uid = :uid
