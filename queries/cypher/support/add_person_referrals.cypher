// Add person-level referrals directly (benchmarks and imports of an existing person graph;
// the identity job derives them from record-level referrals instead).
// $params: $rows — each {src, dst, count, at}
// returns: nothing
UNWIND $rows AS row
MATCH (a:Person {personId: row.src})
MATCH (b:Person {personId: row.dst})
MERGE (a)-[r:REFERRED]->(b)
SET r.count = row.count, r.at = row.at
