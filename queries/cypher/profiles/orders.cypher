// Every order placed by a person's records up to a time (the profile job never sees later ones),
// in no particular order (the job groups them; sorting 1.4M rows by person cost 6 s).
// $params: $until — ISO time; orders after it are left out
// returns: personId, orderId, purchasedAt, amount, currency, channelId (null if unknown)
MATCH (o:Order)
WHERE o.purchasedAt <= datetime($until)
MATCH (c:Customer)-[:PLACED]->(o)
// (orders are gathered per record first, then each record goes to its person once: walking
// from every order to its person cost 3.6M db hits at 100k records, this 1.4M)
WITH c, collect(o) AS placed
MATCH (c)-[:RESOLVES_TO]->(p:Person)
UNWIND placed AS o
OPTIONAL MATCH (o)-[:VIA]->(ch:Channel)
RETURN p.personId AS personId, o.orderId AS orderId, o.purchasedAt AS purchasedAt,
       o.amount AS amount, o.currency AS currency, ch.channelId AS channelId
