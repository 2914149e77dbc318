// Top influencers of one community, with the parts of their score.
// $params: $community (community id, e.g. "C1"), $limit (integer, default 10)
// returns: person, rank, score, pagerank, referral_reach, referred_revenue, segment
:param limit => 10;
MATCH (p:Person)-[:IN_COMMUNITY]->(:Community {communityId: $community})
WHERE p.influenceRank IS NOT NULL
RETURN p.personId AS person, p.influenceRank AS rank, p.influenceScore AS score,
       p.pagerank AS pagerank, p.referralReach AS referral_reach,
       p.referredRevenue AS referred_revenue, p.rfmSegment AS segment
ORDER BY rank
LIMIT $limit
