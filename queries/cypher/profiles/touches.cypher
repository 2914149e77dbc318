// Touchpoints per person and channel, with the channel's kind and the first contact, for
// the (record, channel) pairs first touched up to a time.
// $params: $until — ISO time; pairs first touched later are left out
// returns: personId, channelId, kind, touches, firstAt
MATCH (p:Person)<-[:RESOLVES_TO]-(:Customer)-[t:TOUCHED]->(ch:Channel)
WHERE t.firstAt IS NULL OR t.firstAt <= datetime($until)
RETURN p.personId AS personId, ch.channelId AS channelId, ch.kind AS kind,
       sum(t.count) AS touches, min(t.firstAt) AS firstAt
ORDER BY personId, channelId
