// Store communities and their summary; communities no longer found are removed first.
// $params: $rows — each {communityId, size, density, modularityShare, revenue, churnRate,
//          dominantChannel, topInfluencers (text, ';'-separated person ids), run}
// returns: nothing
UNWIND $rows AS row
MERGE (c:Community {communityId: row.communityId})
SET c.size = row.size, c.density = row.density, c.modularityShare = row.modularityShare,
    c.revenue = row.revenue, c.churnRate = row.churnRate,
    c.dominantChannel = row.dominantChannel, c.topInfluencers = row.topInfluencers,
    c.run = row.run
