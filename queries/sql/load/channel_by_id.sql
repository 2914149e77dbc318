-- One channel by its id.
-- $params: $channelId
-- returns: channelId, kind, name (no row when unknown)
SELECT channelId, kind, name FROM channel WHERE channelId = :channelId
