// Which of these channel ids do not exist (touchpoints and orders to reject); usually none.
// $params: $keys (channel ids, a list of text)
// returns: channelId, one row per unknown channel
UNWIND $keys AS id
WITH id
WHERE NOT EXISTS { MATCH (:Channel {channelId: id}) }
RETURN id AS channelId
