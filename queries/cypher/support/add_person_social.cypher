// Add person-level social links of one kind directly (benchmarks and imports of an existing
// person graph; the identity job derives them from record-level links instead).
// slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH
// $params: $rows — each {src, dst, count, weight}
// returns: nothing
UNWIND $rows AS row
MATCH (a:Person {personId: row.src})
MATCH (b:Person {personId: row.dst})
MERGE (a)-[r:{{rel}}]->(b)
SET r.count = row.count, r.weight = row.weight
