// Referrals between records of one person (self-referrals), grouped by person: possible abuse
// of referral rewards.
// $params: $limit (integer, default 50)
// returns: person, self_referrals, records (the records involved), rings (each referral with
// both records resolving to the person)
:param limit => 50;
MATCH ring = (p:Person)<-[:RESOLVES_TO]-(a:Customer)-[r:REFERRED {selfReferral: true}]->(b:Customer)-[:RESOLVES_TO]->(p)
WITH p, count(r) AS self_referrals, collect(DISTINCT a.uid) + collect(DISTINCT b.uid) AS uids,
     collect(ring) AS rings
RETURN p.personId AS person, self_referrals,
       reduce(acc = [], u IN uids | CASE WHEN u IN acc THEN acc ELSE acc + u END) AS records,
       rings
ORDER BY self_referrals DESC, person
LIMIT $limit
