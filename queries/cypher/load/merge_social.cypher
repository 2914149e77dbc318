// Insert or update social links of one kind between records.
// slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH (from the model's enum)
// $params: $rows — each {src, dst, weight, since, platform}; src and dst are record uids
// returns: nothing
UNWIND $rows AS row
MATCH (a:Customer {uid: row.src})
MATCH (b:Customer {uid: row.dst})
MERGE (a)-[r:{{rel}}]->(b)
SET r.weight = row.weight, r.since = datetime(row.since), r.platform = row.platform
