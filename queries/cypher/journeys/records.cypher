// Every resolved record and its person.
// $params: none
// returns: uid, personId
MATCH (c:Customer)-[:RESOLVES_TO]->(p:Person)
RETURN c.uid AS uid, p.personId AS personId
