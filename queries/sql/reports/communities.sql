-- Every community's summary, largest first.
-- $params: none
-- returns: community_id, size, density, revenue, churn_rate, dominant_channel, run
SELECT communityId AS community_id, size, density, revenue, churnRate AS churn_rate,
       dominantChannel AS dominant_channel, run
FROM community
ORDER BY size DESC, community_id
