// Point each record at its person (replacing its previous RESOLVES_TO).
// $params: $rows — each {uid, personId, run, confidence}
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
MATCH (p:Person {personId: row.personId})
OPTIONAL MATCH (c)-[old:RESOLVES_TO]->(other:Person) WHERE other <> p
DELETE old
MERGE (c)-[r:RESOLVES_TO]->(p)
SET r.run = row.run, r.confidence = row.confidence
