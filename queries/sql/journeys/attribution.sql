-- The attribution credits of the last journeys run, for one model or all ($model null), in
-- model order, then by channel.
-- $params: $model — a model name, or null for every model
-- returns: model, channel_id, conversions, revenue, share, run
SELECT model, channelId AS channel_id, conversions, revenue, share, run
FROM attribution
WHERE :model IS NULL OR model = :model
ORDER BY CASE model WHEN 'first_touch' THEN 0 WHEN 'last_touch' THEN 1 WHEN 'linear' THEN 2
  WHEN 'position_based' THEN 3 WHEN 'time_decay' THEN 4 WHEN 'markov' THEN 5 ELSE 6 END,
  channelId
