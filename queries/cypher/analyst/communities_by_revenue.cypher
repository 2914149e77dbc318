// Communities ranked by revenue, with size, churn and their dominant channel.
// $params: $limit (integer, default 20)
// returns: community, size, revenue, revenue_per_person, churn_rate, dominant_channel
:param limit => 20;
MATCH (c:Community)
RETURN c.communityId AS community, c.size AS size, c.revenue AS revenue,
       round(c.revenue / c.size, 2) AS revenue_per_person, c.churnRate AS churn_rate,
       c.dominantChannel AS dominant_channel
ORDER BY revenue DESC, community
LIMIT $limit
