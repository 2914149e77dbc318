// Every community's summary, largest first.
// $params: none
// returns: community_id, size, density, revenue, churn_rate, dominant_channel, run
MATCH (c:Community)
RETURN c.communityId AS community_id, c.size AS size, c.density AS density,
       c.revenue AS revenue, c.churnRate AS churn_rate, c.dominantChannel AS dominant_channel,
       c.run AS run
ORDER BY size DESC, community_id
