// Persons who bridge communities (high participation coefficient): good seeds for campaigns
// that should spread beyond one group.
// $params: $limit (integer, default 25)
// returns: person, community, participation, influence_rank, links_outside, bridges (up to
// five paths from the person to a neighbour in another community and on to that community)
:param limit => 25;
MATCH (p:Person)-[:IN_COMMUNITY]->(c:Community)
WHERE p.participation IS NOT NULL
CALL (p, c) {
  MATCH bridge = (p)-[:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]-(q:Person)-[:IN_COMMUNITY]->(d:Community)
  WHERE d <> c
  RETURN count(*) AS links_outside, collect(bridge)[..5] AS bridges
}
RETURN p.personId AS person, c.communityId AS community, p.participation AS participation,
       p.influenceRank AS influence_rank, links_outside, bridges
ORDER BY participation DESC, links_outside DESC, person
LIMIT $limit
