// Spend per person and product category up to a time (for top categories).
// $params: $until — ISO time
// returns: personId, category, amount, currency
MATCH (o:Order)
WHERE o.purchasedAt <= datetime($until)
MATCH (c:Customer)-[:PLACED]->(o)
// (orders are gathered per record first, then each record goes to its person once: walking
// from every order to its person cost 5.4M db hits at 100k records, this 1.4M)
WITH c, collect(o) AS placed
MATCH (c)-[:RESOLVES_TO]->(p:Person)
UNWIND placed AS o
MATCH (o)-[l:CONTAINS]->(pr:Product)
WHERE pr.category IS NOT NULL
RETURN p.personId AS personId, pr.category AS category, sum(l.amount) AS amount,
       o.currency AS currency
ORDER BY personId, category, currency
