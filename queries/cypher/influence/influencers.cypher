// Persons by influence rank, with the parts of their score and their community.
// $params: none
// returns: person_id, rank, score, pagerank, in_degree, out_degree, referral_reach,
//          referral_depth, referred_revenue, coreness, betweenness, community_id
MATCH (p:Person) WHERE p.influenceRank IS NOT NULL
OPTIONAL MATCH (p)-[:IN_COMMUNITY]->(c:Community)
RETURN p.personId AS person_id, p.influenceRank AS rank, p.influenceScore AS score,
       p.pagerank AS pagerank, p.inDegree AS in_degree, p.outDegree AS out_degree,
       p.referralReach AS referral_reach, p.referralDepth AS referral_depth,
       p.referredRevenue AS referred_revenue, p.coreness AS coreness,
       p.betweenness AS betweenness, c.communityId AS community_id
ORDER BY rank
