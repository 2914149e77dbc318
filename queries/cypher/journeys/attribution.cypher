// The attribution credits of the last journeys run, for one model or all ($model null), in
// model order, then by channel.
// $params: $model — a model name, or null for every model
// returns: model, channel_id, conversions, revenue, share, run
MATCH (c:ChannelCredit)
WHERE $model IS NULL OR c.model = $model
RETURN c.model AS model, c.channelId AS channel_id, c.conversions AS conversions,
       c.revenue AS revenue, c.share AS share, c.run AS run
ORDER BY CASE c.model WHEN 'first_touch' THEN 0 WHEN 'last_touch' THEN 1 WHEN 'linear' THEN 2
  WHEN 'position_based' THEN 3 WHEN 'time_decay' THEN 4 WHEN 'markov' THEN 5 ELSE 6 END,
  channel_id
