// Each person's current community (to keep community ids stable across runs).
// $params: none
// returns: personId, communityId
MATCH (p:Person)-[:IN_COMMUNITY]->(c:Community)
RETURN p.personId AS personId, c.communityId AS communityId
