// Touchpoints per person and channel, with the channel's kind and the first contact.
// $params: none
// returns: personId, channelId, kind, touches, firstAt
MATCH (p:Person)<-[:RESOLVES_TO]-(:Customer)-[t:TOUCHED]->(ch:Channel)
RETURN p.personId AS personId, ch.channelId AS channelId, ch.kind AS kind,
       sum(t.count) AS touches, min(t.firstAt) AS firstAt
ORDER BY personId, channelId
