-- Store communities and their summary; communities no longer found are removed first.
-- $params: $rows — each {communityId, size, density, modularityShare, revenue, churnRate,
--          dominantChannel, topInfluencers (text, ';'-separated person ids), run}
-- returns: nothing
INSERT INTO community (communityId, size, density, modularityShare, revenue, churnRate,
  dominantChannel, topInfluencers, run)
VALUES (:communityId, :size, :density, :modularityShare, :revenue, :churnRate,
  :dominantChannel, :topInfluencers, :run)
ON CONFLICT (communityId) DO UPDATE SET size = excluded.size, density = excluded.density,
  modularityShare = excluded.modularityShare, revenue = excluded.revenue,
  churnRate = excluded.churnRate, dominantChannel = excluded.dominantChannel,
  topInfluencers = excluded.topInfluencers, run = excluded.run
