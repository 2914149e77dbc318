// Point each record at its person (replacing its previous RESOLVES_TO), with the record's
// hashed blocking keys (graph.identity.keys); null keys keep the ones it had.
// $params: $rows — each {uid, personId, run, confidence, keys (bytes or null)}
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {uid: row.uid})
MATCH (p:Person {personId: row.personId})
OPTIONAL MATCH (c)-[old:RESOLVES_TO]->(other:Person) WHERE other <> p
WITH c, p, row, old, old.keys AS oldKeys
DELETE old
MERGE (c)-[r:RESOLVES_TO]->(p)
SET r.run = row.run, r.confidence = row.confidence, r.keys = coalesce(row.keys, oldKeys, r.keys)
