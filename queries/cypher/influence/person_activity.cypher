// Per person: revenue (sum of the amounts of orders its records placed) and last purchase,
// counting orders up to a time only (a back-test never reads later ones).
// $params: $until — ISO time; orders after it are left out
// returns: personId, revenue, lastPurchase (null when the person never bought)
MATCH (p:Person)
OPTIONAL MATCH (p)<-[:RESOLVES_TO]-(:Customer)-[:PLACED]->(o:Order)
WHERE o.purchasedAt <= datetime($until)
RETURN p.personId AS personId, coalesce(sum(o.amount), 0.0) AS revenue,
       max(o.purchasedAt) AS lastPurchase
ORDER BY personId
