-- One community's summary.
-- $params: $communityId
-- returns: communityId, size, density, modularityShare, revenue, churnRate, dominantChannel,
--          topInfluencers (;-separated person ids), run
SELECT communityId, size, density, modularityShare, revenue, churnRate, dominantChannel,
       topInfluencers, run
FROM community WHERE communityId = :communityId
