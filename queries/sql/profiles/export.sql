-- Every profiled person's headline attributes, for `custgraph export profiles`.
-- $params: none
-- returns: person_id, recency_days, frequency, monetary, currency, rfm_score, rfm_segment,
--          expected_purchases, p_alive, predicted_clv, churn_risk, segment, community_id,
--          influence_rank, tags (JSON text), as_of, run
SELECT pp.personId AS person_id, pp.recencyDays AS recency_days, pp.frequency AS frequency,
       pp.monetary AS monetary, pp.currency AS currency, pp.rfmScore AS rfm_score,
       pp.rfmSegment AS rfm_segment, pp.expectedPurchases AS expected_purchases,
       pp.pAlive AS p_alive, pp.predictedClv AS predicted_clv, pp.churnRisk AS churn_risk,
       pp.segment AS segment, ic.dst AS community_id, i.rank AS influence_rank,
       pp.tags AS tags, pp.asOf AS as_of, pp.run AS run
FROM person_profile pp
LEFT JOIN in_community ic ON ic.src = pp.personId
LEFT JOIN person_influence i ON i.personId = pp.personId
ORDER BY person_id
