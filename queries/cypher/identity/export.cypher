// Every record with its person, for export.
// $params: none
// returns: source, source_customer_id, person_id, confidence
MATCH (c:Customer)-[r:RESOLVES_TO]->(p:Person)
RETURN c.source AS source, c.sourceCustomerId AS source_customer_id, p.personId AS person_id,
       r.confidence AS confidence
ORDER BY source, source_customer_id
