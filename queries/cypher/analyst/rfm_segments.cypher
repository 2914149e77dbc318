// Persons, spend and average churn risk per RFM segment.
// $params: none
// returns: rfm_segment, persons, revenue, avg_recency_days, avg_churn_risk
MATCH (p:Person) WHERE p.rfmSegment IS NOT NULL
RETURN p.rfmSegment AS rfm_segment, count(p) AS persons, round(sum(p.monetary), 2) AS revenue,
       round(avg(p.recencyDays), 1) AS avg_recency_days,
       round(avg(p.churnRisk), 3) AS avg_churn_risk
ORDER BY revenue DESC
