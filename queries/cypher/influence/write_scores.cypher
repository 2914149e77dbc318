// Store each person's influence: the combined score, its rank and every part.
// $params: $rows — each {personId, score, rank, pagerank, inDegree, outDegree, referralReach,
//          referralDepth, referredRevenue, coreness, betweenness, run}
// returns: nothing
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
SET p.influenceScore = row.score, p.influenceRank = row.rank, p.pagerank = row.pagerank,
    p.inDegree = row.inDegree, p.outDegree = row.outDegree, p.referralReach = row.referralReach,
    p.referralDepth = row.referralDepth, p.referredRevenue = row.referredRevenue,
    p.coreness = row.coreness, p.betweenness = row.betweenness, p.influenceRun = row.run
