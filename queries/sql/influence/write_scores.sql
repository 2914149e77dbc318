-- Store each person's influence: the combined score, its rank and every part; never for a
-- person that no longer exists (erased while the job ran).
-- $params: $rows — each {personId, score, rank, pagerank, inDegree, outDegree, referralReach,
--          referralDepth, referredRevenue, coreness, betweenness, run}
-- returns: nothing
INSERT INTO person_influence (personId, score, rank, pagerank, inDegree, outDegree,
  referralReach, referralDepth, referredRevenue, coreness, betweenness, run)
SELECT :personId, :score, :rank, :pagerank, :inDegree, :outDegree, :referralReach,
  :referralDepth, :referredRevenue, :coreness, :betweenness, :run
WHERE EXISTS (SELECT 1 FROM person WHERE personId = :personId)
ON CONFLICT (personId) DO UPDATE SET score = excluded.score, rank = excluded.rank,
  pagerank = excluded.pagerank, inDegree = excluded.inDegree, outDegree = excluded.outDegree,
  referralReach = excluded.referralReach, referralDepth = excluded.referralDepth,
  referredRevenue = excluded.referredRevenue, coreness = excluded.coreness,
  betweenness = excluded.betweenness, run = excluded.run
