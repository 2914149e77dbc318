// Put each person in its community, with its participation coefficient.
// $params: $rows — each {personId, communityId, participation}
// returns: nothing
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
MATCH (c:Community {communityId: row.communityId})
MERGE (p)-[:IN_COMMUNITY]->(c)
SET p.communityId = row.communityId, p.participation = row.participation
