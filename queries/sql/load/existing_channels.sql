-- Which of these channel ids exist (to reject touchpoints and orders on unknown channels).
-- $params: $ids (list of text)
-- returns: channelId, one row per existing channel
SELECT channelId FROM channel WHERE channelId IN (SELECT value FROM json_each(:ids))
