// Remove a person that has no records left (after an erasure), with everything derived from
// it: profile, person-level links, community, segment and tag memberships.
// $params: $personId
// returns: nothing
MATCH (p:Person {personId: $personId})
WHERE NOT EXISTS { MATCH (:Customer)-[:RESOLVES_TO]->(p) }
DETACH DELETE p
