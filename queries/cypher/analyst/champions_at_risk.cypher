// Champions and loyal customers whose churn risk is high: who to call first.
// $params: $min_risk (number 0..1, default 0.6), $limit (integer, default 50)
// returns: person, rfm_segment, churn_risk, predicted_clv, monetary, recency_days, top_factor
:param min_risk => 0.6;
:param limit => 50;
MATCH (p:Person)
WHERE p.rfmSegment IN ["Champions", "Loyal"] AND p.churnRisk >= $min_risk
RETURN p.personId AS person, p.rfmSegment AS rfm_segment, p.churnRisk AS churn_risk,
       p.predictedClv AS predicted_clv, p.monetary AS monetary, p.recencyDays AS recency_days,
       p.churnFactors AS top_factor
ORDER BY churn_risk DESC, predicted_clv DESC, person
LIMIT $limit
