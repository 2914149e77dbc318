// Per person and channel: how many touchpoints its records had there.
// $params: none
// returns: personId, channelId, touches
MATCH (p:Person)<-[:RESOLVES_TO]-(:Customer)-[t:TOUCHED]->(ch:Channel)
RETURN p.personId AS personId, ch.channelId AS channelId, sum(t.count) AS touches
ORDER BY personId, channelId
