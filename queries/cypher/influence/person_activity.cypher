// Per person: revenue (sum of the amounts of orders its records placed) and last purchase,
// counting orders up to a time only (a back-test never reads later ones).
// $params: $until — ISO time; orders after it are left out
// returns: personId, revenue, lastPurchase (null when the person never bought)
CALL () {
  // every person once with nothing bought, so that those who never bought are listed too
  MATCH (p:Person)
  RETURN p.personId AS personId, 0.0 AS revenue, null AS lastPurchase
  UNION ALL
  // orders summed per record first, then each record's sums go to its person: walking from
  // each order to its person cost 3.6M db hits at 100k records, this 1.4M
  MATCH (o:Order)
  WHERE o.purchasedAt <= datetime($until)
  MATCH (c:Customer)-[:PLACED]->(o)
  WITH c, sum(o.amount) AS spent, max(o.purchasedAt) AS last
  MATCH (c)-[:RESOLVES_TO]->(p:Person)
  RETURN p.personId AS personId, spent AS revenue, last AS lastPurchase
}
RETURN personId, sum(revenue) AS revenue, max(lastPurchase) AS lastPurchase
ORDER BY personId
