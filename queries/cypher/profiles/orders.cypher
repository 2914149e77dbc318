// Every order placed by a person's records up to a time (the profile job never sees later ones),
// in no particular order (the job groups them; sorting 1.4M rows by person cost 6 s).
// $params: $until — ISO time; orders after it are left out
// returns: personId, orderId, purchasedAt, amount, currency, channelId (null if unknown)
MATCH (p:Person)<-[:RESOLVES_TO]-(:Customer)-[:PLACED]->(o:Order)
WHERE o.purchasedAt <= datetime($until)
OPTIONAL MATCH (o)-[:VIA]->(ch:Channel)
RETURN p.personId AS personId, o.orderId AS orderId, o.purchasedAt AS purchasedAt,
       o.amount AS amount, o.currency AS currency, ch.channelId AS channelId
