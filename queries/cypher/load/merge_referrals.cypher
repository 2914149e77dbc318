// Insert or update referrals between records (referrer REFERRED referred).
// $params: $rows — each {src, dst, at, campaign}; src and dst are record uids
// returns: nothing
UNWIND $rows AS row
MATCH (a:Customer {uid: row.src})
MATCH (b:Customer {uid: row.dst})
MERGE (a)-[r:REFERRED]->(b)
SET r.at = datetime(row.at), r.campaign = row.campaign
