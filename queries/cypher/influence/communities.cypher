// Persons and their communities, for export.
// $params: none
// returns: person_id, community_id, participation
MATCH (p:Person)-[:IN_COMMUNITY]->(c:Community)
RETURN p.personId AS person_id, c.communityId AS community_id, p.participation AS participation
ORDER BY person_id
