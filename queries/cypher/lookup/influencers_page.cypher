// One page of persons by influence rank, optionally within one community (cursor: a rank).
// $params: $after (rank the page starts after; 0 for the first page), $limit,
//          $community (a community id, or null for all)
// returns: person_id, rank, score, pagerank, in_degree, out_degree, referral_reach,
//          referral_depth, referred_revenue, coreness, betweenness, community_id
MATCH (p:Person)
WHERE p.influenceRank > $after
  AND ($community IS NULL OR p.communityId = $community)
RETURN p.personId AS person_id, p.influenceRank AS rank, p.influenceScore AS score,
       p.pagerank AS pagerank, p.inDegree AS in_degree, p.outDegree AS out_degree,
       p.referralReach AS referral_reach, p.referralDepth AS referral_depth,
       p.referredRevenue AS referred_revenue, p.coreness AS coreness,
       p.betweenness AS betweenness, p.communityId AS community_id
ORDER BY rank
LIMIT $limit
