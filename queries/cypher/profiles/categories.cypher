// Spend per person and product category up to a time (for top categories).
// $params: $until — ISO time
// returns: personId, category, amount, currency
MATCH (p:Person)<-[:RESOLVES_TO]-(:Customer)-[:PLACED]->(o:Order)-[l:CONTAINS]->(pr:Product)
WHERE o.purchasedAt <= datetime($until) AND pr.category IS NOT NULL
RETURN p.personId AS personId, pr.category AS category, sum(l.amount) AS amount,
       o.currency AS currency
ORDER BY personId, category, currency
