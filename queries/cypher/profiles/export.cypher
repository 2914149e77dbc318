// Every profiled person's headline attributes, for `custgraph export profiles`.
// $params: none
// returns: person_id, recency_days, frequency, monetary, currency, rfm_score, rfm_segment,
//          expected_purchases, p_alive, predicted_clv, churn_risk, segment, community_id,
//          influence_rank, tags (JSON text), as_of, run
MATCH (p:Person) WHERE p.profileRun IS NOT NULL
OPTIONAL MATCH (p)-[:IN_COMMUNITY]->(c:Community)
RETURN p.personId AS person_id, p.recencyDays AS recency_days, p.frequency AS frequency,
       p.monetary AS monetary, p.currency AS currency, p.rfmScore AS rfm_score,
       p.rfmSegment AS rfm_segment, p.expectedPurchases AS expected_purchases,
       p.pAlive AS p_alive, p.predictedClv AS predicted_clv, p.churnRisk AS churn_risk,
       p.segment AS segment, c.communityId AS community_id, p.influenceRank AS influence_rank,
       p.tags AS tags, p.profileAsOf AS as_of, p.profileRun AS run
ORDER BY person_id
