// Delete those of some persons that no record resolves to any more (an incremental run's
// merges), with what was derived from them; lineage keeps their ids.
// $params: $personIds (a list)
// returns: nothing
UNWIND $personIds AS personId
MATCH (p:Person {personId: personId})
WHERE NOT EXISTS { MATCH (:Customer)-[:RESOLVES_TO]->(p) }
DETACH DELETE p
