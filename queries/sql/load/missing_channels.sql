-- Which of these channel ids do not exist (touchpoints and orders to reject); usually none.
-- $params: $keys (channel ids, a list of text)
-- returns: channelId, one row per unknown channel
SELECT value AS channelId
FROM json_each(:keys)
WHERE NOT EXISTS (SELECT 1 FROM channel WHERE channel.channelId = json_each.value)
