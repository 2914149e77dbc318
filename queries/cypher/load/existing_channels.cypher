// Which of these channel ids exist (to reject touchpoints and orders on unknown channels).
// $params: $ids (list of text)
// returns: channelId, one row per existing channel
UNWIND $ids AS id
MATCH (ch:Channel {channelId: id})
RETURN ch.channelId AS channelId
