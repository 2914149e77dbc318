// Referrals between records of one person (self-referrals), grouped by person: possible abuse
// of referral rewards.
// $params: $limit (integer, default 50)
// returns: person, self_referrals, records (the records involved)
MATCH (p:Person)<-[:RESOLVES_TO]-(a:Customer)-[r:REFERRED {selfReferral: true}]->(b:Customer)
WITH p, count(r) AS self_referrals, collect(DISTINCT a.uid) + collect(DISTINCT b.uid) AS uids
RETURN p.personId AS person, self_referrals,
       reduce(acc = [], u IN uids | CASE WHEN u IN acc THEN acc ELSE acc + u END) AS records
ORDER BY self_referrals DESC, person
LIMIT coalesce($limit, 50)
