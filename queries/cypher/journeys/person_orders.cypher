// One person's orders up to a time (the journey look-up).
// $params: $personId, $until — ISO time
// returns: personId, orderId, purchasedAt, amount
MATCH (p:Person {personId: $personId})<-[:RESOLVES_TO]-(:Customer)-[:PLACED]->(o:Order)
WHERE o.purchasedAt <= datetime($until)
RETURN p.personId AS personId, o.orderId AS orderId, o.purchasedAt AS purchasedAt,
       o.amount AS amount
ORDER BY purchasedAt, orderId
