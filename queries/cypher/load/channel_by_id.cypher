// One channel by its id.
// $params: $channelId
// returns: channelId, kind, name (no row when unknown)
MATCH (ch:Channel {channelId: $channelId})
RETURN ch.channelId AS channelId, ch.kind AS kind, ch.name AS name
