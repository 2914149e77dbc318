// The persons whose referrals brought in the most revenue (direct and indirect, decayed).
// $params: $limit (integer, default 20)
// returns: person, referred_revenue, referral_reach, referral_depth, influence_rank
:param limit => 20;
MATCH (p:Person) WHERE p.referredRevenue > 0
RETURN p.personId AS person, p.referredRevenue AS referred_revenue,
       p.referralReach AS referral_reach, p.referralDepth AS referral_depth,
       p.influenceRank AS influence_rank
ORDER BY referred_revenue DESC, person
LIMIT $limit
