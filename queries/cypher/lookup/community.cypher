// One community's summary.
// $params: $communityId
// returns: communityId, size, density, modularityShare, revenue, churnRate, dominantChannel,
//          topInfluencers (;-separated person ids), run
MATCH (c:Community {communityId: $communityId})
RETURN c.communityId AS communityId, c.size AS size, c.density AS density,
       c.modularityShare AS modularityShare, c.revenue AS revenue, c.churnRate AS churnRate,
       c.dominantChannel AS dominantChannel, c.topInfluencers AS topInfluencers, c.run AS run
