// Remove every person's influence score and rank (a run that found no links to rank by).
// $params: none
// returns: nothing
MATCH (p:Person) WHERE p.influenceRun IS NOT NULL
REMOVE p.influenceScore, p.influenceRank, p.pagerank, p.inDegree, p.outDegree,
       p.referralReach, p.referralDepth, p.referredRevenue, p.coreness, p.betweenness,
       p.influenceRun
