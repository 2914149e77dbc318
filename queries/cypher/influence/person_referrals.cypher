// The person graph for the influence and community jobs, part 1: person-level referrals,
// in no particular order (the projection sorts every edge).
// $params: none
// returns: src, dst (person ids), weight (how many record referrals), at (the first one's time)
MATCH (a:Person)-[r:REFERRED]->(b:Person)
RETURN a.personId AS src, b.personId AS dst, toFloat(coalesce(r.count, 1)) AS weight,
       r.at AS at
