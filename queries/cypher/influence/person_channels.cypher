// Per person and channel: how many touchpoints its records had there, for the (record,
// channel) pairs first touched up to a time (touches are stored per pair, not per event).
// $params: $until — ISO time; pairs first touched later are left out
// returns: personId, channelId, touches
MATCH (p:Person)<-[:RESOLVES_TO]-(:Customer)-[t:TOUCHED]->(ch:Channel)
WHERE t.firstAt IS NULL OR t.firstAt <= datetime($until)
RETURN p.personId AS personId, ch.channelId AS channelId, sum(t.count) AS touches
ORDER BY personId, channelId
