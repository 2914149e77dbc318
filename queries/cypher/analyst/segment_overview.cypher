// The model segments with their plain-word description, size and average value.
// $params: none
// returns: segment, description, persons, avg_clv, avg_churn_risk
MATCH (s:Segment)<-[:IN_SEGMENT]-(p:Person)
RETURN s.name AS segment, s.description AS description, count(p) AS persons,
       round(avg(p.predictedClv), 2) AS avg_clv, round(avg(p.churnRisk), 3) AS avg_churn_risk
ORDER BY segment
