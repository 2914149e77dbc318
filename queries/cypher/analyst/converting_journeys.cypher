// A person's converting journeys, drawn as paths for the Browser's graph view.
// Each order with the touchpoints of all of the person's records in the look-back window
// before it (the journeys job also stops at the previous order; this view does not).
// $params: $person (person id), $lookback_days (integer, default 30)
// returns: order_id, purchased_at, channels (in time order), paths (person → record →
//          touchpoint → channel, and person → record → order)
:param lookback_days => 30;
MATCH (p:Person {personId: $person})<-[:RESOLVES_TO]-(buyer:Customer)-[:PLACED]->(o:Order)
OPTIONAL MATCH tp = (p)<-[:RESOLVES_TO]-(:Customer)-[:MADE]->(t:Touchpoint)-[:ON]->(:Channel)
WHERE o.purchasedAt - duration({days: $lookback_days}) <= t.at <= o.purchasedAt
WITH p, buyer, o, t, tp
ORDER BY t.at
WITH p, buyer, o, collect(t.channelId) AS channels, collect(tp) AS touches
MATCH op = (p)<-[:RESOLVES_TO]-(buyer)-[:PLACED]->(o)
RETURN o.orderId AS order_id, o.purchasedAt AS purchased_at, channels, touches + [op] AS paths
ORDER BY purchased_at
