// The records of some persons (an incremental run re-resolves whole persons).
// $params: $personIds (a list)
// returns: uid, personId
UNWIND $personIds AS personId
MATCH (c:Customer)-[:RESOLVES_TO]->(:Person {personId: personId})
RETURN c.uid AS uid, personId
