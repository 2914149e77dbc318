// The persons carrying a tag (vip, win_back, …), most valuable first.
// $params: $tag (tag name, e.g. "vip"), $limit (integer, default 100)
// returns: person, predicted_clv, churn_risk, rfm_segment, influence_rank
:param limit => 100;
MATCH (p:Person)-[:HAS_TAG]->(:Tag {name: $tag})
RETURN p.personId AS person, p.predictedClv AS predicted_clv, p.churnRisk AS churn_risk,
       p.rfmSegment AS rfm_segment, p.influenceRank AS influence_rank
ORDER BY predicted_clv DESC, person
LIMIT $limit
