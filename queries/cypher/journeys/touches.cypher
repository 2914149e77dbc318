// Every touchpoint event up to a time, by record, in no particular order (the journeys job
// maps records to persons with journeys/records and sorts).
// $params: $until — ISO time; later events are left out
// returns: uid, channelId, atSeconds (the time, in whole seconds since 1970 UTC), count
MATCH (c:Customer)-[:MADE]->(t:Touchpoint)
WHERE t.at <= datetime($until)
RETURN c.uid AS uid, t.channelId AS channelId, t.at.epochSeconds AS atSeconds, t.count AS count
