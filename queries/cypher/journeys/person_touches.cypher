// One person's touchpoint events up to a time, in time order (the journey look-up).
// $params: $personId, $until — ISO time
// returns: uid, channelId, at, event, count
MATCH (:Person {personId: $personId})<-[:RESOLVES_TO]-(c:Customer)-[:MADE]->(t:Touchpoint)
WHERE t.at <= datetime($until)
RETURN c.uid AS uid, t.channelId AS channelId, t.at AS at, t.event AS event, t.count AS count
ORDER BY at, uid, channelId
