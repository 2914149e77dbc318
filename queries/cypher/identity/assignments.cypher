// Each record's current person and when that person was created (for stable ids).
// $params: none
// returns: uid, personId, createdAt
MATCH (c:Customer)-[:RESOLVES_TO]->(p:Person)
RETURN c.uid AS uid, p.personId AS personId, p.createdAt AS createdAt
