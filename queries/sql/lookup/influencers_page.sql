-- One page of persons by influence rank, optionally within one community (cursor: a rank).
-- $params: $after (rank the page starts after; 0 for the first page), $limit,
--          $community (a community id, or null for all)
-- returns: person_id, rank, score, pagerank, in_degree, out_degree, referral_reach,
--          referral_depth, referred_revenue, coreness, betweenness, community_id
SELECT i.personId AS person_id, i.rank AS rank, i.score AS score, i.pagerank AS pagerank,
       i.inDegree AS in_degree, i.outDegree AS out_degree, i.referralReach AS referral_reach,
       i.referralDepth AS referral_depth, i.referredRevenue AS referred_revenue,
       i.coreness AS coreness, i.betweenness AS betweenness, c.dst AS community_id
FROM person_influence i LEFT JOIN in_community c ON c.src = i.personId
WHERE i.rank > :after AND (:community IS NULL OR c.dst = :community)
ORDER BY rank
LIMIT :limit
