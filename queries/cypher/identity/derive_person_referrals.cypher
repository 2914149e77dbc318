// Person-level referrals made to match the record-level ones: one relationship per pair of
// persons, with how many record referrals it stands for and the first one's time;
// self-referrals left out. Each person's referrals are compared with the ones it should
// have: stale ones (and a second link to the same person) are deleted, changed ones updated
// and missing ones created.
// mode: autocommit — one batch of persons per transaction
// rerun: safe — it compares each person's referrals with the ones it should have, then writes
// $params: none
// returns: nothing
MATCH (pa:Person)
CALL (pa) {
  OPTIONAL MATCH (pa)<-[:RESOLVES_TO]-(:Customer)-[r:REFERRED]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
  WHERE pa <> pb
  WITH pa, pb, count(r) AS n, min(r.at) AS at
  WITH pa, collect(CASE WHEN pb IS NOT NULL THEN {pb: pb, count: n, at: at} END) AS want
  OPTIONAL MATCH (pa)-[e:REFERRED]->(:Person)
  WITH pa, want, collect(e) AS have
  WITH pa, want, have, [w IN want | w.pb] AS targets
  FOREACH (e IN [e IN have WHERE NOT endNode(e) IN targets] | DELETE e)
  WITH pa, want, [e IN have WHERE endNode(e) IN targets] AS kept
  UNWIND want AS w
  WITH pa, w, [e IN kept WHERE endNode(e) = w.pb] AS found
  FOREACH (e IN found[1..] | DELETE e)
  WITH pa, w, found[..1] AS found
  FOREACH (e IN [e IN found WHERE e.count <> w.count
                 OR NOT coalesce(e.at = w.at, e.at IS NULL AND w.at IS NULL)] |
    SET e.count = w.count, e.at = w.at)
  WITH pa, w WHERE size(found) = 0
  WITH pa, w, w.pb AS pb
  CREATE (pa)-[:REFERRED {count: w.count, at: w.at}]->(pb)
} IN TRANSACTIONS OF 5000 ROWS
