// Touchpoints per channel, and how many persons use each: where customers meet the brand.
// $params: none
// returns: channel, kind, persons, touches
MATCH (p:Person)<-[:RESOLVES_TO]-(:Customer)-[t:TOUCHED]->(ch:Channel)
RETURN ch.channelId AS channel, ch.kind AS kind, count(DISTINCT p) AS persons,
       sum(t.count) AS touches
ORDER BY touches DESC, channel
