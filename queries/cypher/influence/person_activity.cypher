// Per person: revenue (sum of the amounts of orders its records placed) and last purchase.
// $params: none
// returns: personId, revenue, lastPurchase (null when the person never bought)
MATCH (p:Person)
OPTIONAL MATCH (p)<-[:RESOLVES_TO]-(:Customer)-[:PLACED]->(o:Order)
RETURN p.personId AS personId, coalesce(sum(o.amount), 0.0) AS revenue,
       max(o.purchasedAt) AS lastPurchase
ORDER BY personId
