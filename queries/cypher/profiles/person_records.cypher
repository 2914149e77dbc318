// The member records of one person, with how confidently each belongs to it.
// $params: $personId
// returns: uid, source, sourceCustomerId, confidence, run
MATCH (c:Customer)-[r:RESOLVES_TO]->(:Person {personId: $personId})
RETURN c.uid AS uid, c.source AS source, c.sourceCustomerId AS sourceCustomerId,
       r.confidence AS confidence, r.run AS run
ORDER BY uid
