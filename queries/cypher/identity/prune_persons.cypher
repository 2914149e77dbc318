// Delete persons no record resolves to any more (merged or emptied; lineage keeps them).
// $params: none
// returns: nothing
MATCH (p:Person)
WHERE NOT EXISTS { MATCH (:Customer)-[:RESOLVES_TO]->(p) }
DETACH DELETE p
