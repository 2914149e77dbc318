// Derive the person-level referral and social links of some persons again from the
// record-level ones (after an erasure, a split or an incremental identity run), flagging
// self-referrals anew.
// $params: $personIds (a list)
// returns: nothing
MATCH (p:Person)-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]-(:Person)
WHERE p.personId IN $personIds
DELETE r;
MATCH (p:Person) WHERE p.personId IN $personIds
MATCH (p)<-[:RESOLVES_TO]-(:Customer)-[r:REFERRED]-(:Customer)
WITH DISTINCT r
MATCH (pa:Person)<-[:RESOLVES_TO]-(:Customer)-[r]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
SET r.selfReferral = (pa = pb)
WITH pa, pb, r WHERE pa <> pb
WITH pa, pb, count(r) AS n, min(r.at) AS at
CREATE (pa)-[:REFERRED {count: n, at: at}]->(pb);
MATCH (p:Person) WHERE p.personId IN $personIds
MATCH (p)<-[:RESOLVES_TO]-(:Customer)-[r:FOLLOWS]-(:Customer)
WITH DISTINCT r
MATCH (pa:Person)<-[:RESOLVES_TO]-(:Customer)-[r]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
WHERE pa <> pb
WITH pa, pb, count(r) AS n, sum(coalesce(r.weight, 1.0)) AS weight, min(r.since) AS since
CREATE (pa)-[:FOLLOWS {count: n, weight: weight, since: since}]->(pb);
MATCH (p:Person) WHERE p.personId IN $personIds
MATCH (p)<-[:RESOLVES_TO]-(:Customer)-[r:FRIENDS_WITH]-(:Customer)
WITH DISTINCT r
MATCH (pa:Person)<-[:RESOLVES_TO]-(:Customer)-[r]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
WHERE pa <> pb
WITH pa, pb, count(r) AS n, sum(coalesce(r.weight, 1.0)) AS weight, min(r.since) AS since
CREATE (pa)-[:FRIENDS_WITH {count: n, weight: weight, since: since}]->(pb);
MATCH (p:Person) WHERE p.personId IN $personIds
MATCH (p)<-[:RESOLVES_TO]-(:Customer)-[r:INTERACTS_WITH]-(:Customer)
WITH DISTINCT r
MATCH (pa:Person)<-[:RESOLVES_TO]-(:Customer)-[r]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
WHERE pa <> pb
WITH pa, pb, count(r) AS n, sum(coalesce(r.weight, 1.0)) AS weight, min(r.since) AS since
CREATE (pa)-[:INTERACTS_WITH {count: n, weight: weight, since: since}]->(pb)
