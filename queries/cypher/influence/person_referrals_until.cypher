// The person graph as of a time, part 1: person-level referrals made from the record-level
// referrals up to that time (a referral without a time counts as always there); the same
// aggregation as identity/derive_person_referrals, in no particular order.
// $params: $until — ISO time; later referrals are left out
// returns: src, dst (person ids), weight (how many record referrals), at (the first one's time)
MATCH (pa:Person)<-[:RESOLVES_TO]-(:Customer)-[r:REFERRED]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
WHERE pa <> pb AND (r.at IS NULL OR r.at <= datetime($until))
RETURN pa.personId AS src, pb.personId AS dst, toFloat(count(r)) AS weight, min(r.at) AS at
