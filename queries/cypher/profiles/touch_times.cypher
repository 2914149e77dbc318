// When each touchpoint event happened, by record, up to a time, in no particular order: the
// churn model's touch behaviour (touches in the last 30 and 90 days, days since the last
// touch) as of any earlier date comes from these.
// $params: $until — ISO time; later events are left out
// returns: uid, atSeconds (the time, in whole seconds since 1970 UTC), count
MATCH (c:Customer)-[:MADE]->(t:Touchpoint)
WHERE t.at <= datetime($until)
RETURN c.uid AS uid, t.at.epochSeconds AS atSeconds, t.count AS count
