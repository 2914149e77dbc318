-- The member records of one person, with how confidently each belongs to it.
-- $params: $personId
-- returns: uid, source, sourceCustomerId, confidence, run
SELECT c.uid AS uid, c.source AS source, c.sourceCustomerId,
       r.confidence AS confidence, r.run AS run
FROM resolves_to r JOIN customer c ON c.uid = r.src
WHERE r.dst = :personId
ORDER BY uid
