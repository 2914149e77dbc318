// Every person-level edge (tests compare bounded reads with it; the jobs read their own).
// $params: none
// returns: src, dst (person ids), kind (REFERRED | FOLLOWS | FRIENDS_WITH | INTERACTS_WITH),
//          weight (social: summed weight; referrals: how many record referrals), at (referral
//          time, null for social links)
MATCH (a:Person)-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]->(b:Person)
RETURN a.personId AS src, b.personId AS dst, type(r) AS kind,
       toFloat(coalesce(r.weight, r.count, 1)) AS weight, r.at AS at
ORDER BY src, dst, kind
