// Some records' current persons and when those persons were created (for stable ids in
// an incremental run).
// $params: $uids (a list)
// returns: uid, personId, createdAt
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})-[:RESOLVES_TO]->(p:Person)
RETURN c.uid AS uid, p.personId AS personId, p.createdAt AS createdAt
