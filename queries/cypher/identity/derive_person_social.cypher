// Person-level social links of one kind made to match the record-level ones: one
// relationship per pair of persons with the links' count, total weight and earliest time;
// links within a person are left out. Each person's links are compared with the ones it
// should have: stale ones (and a second link to the same person) are deleted, changed ones
// updated and missing ones created (a full identity run moves few persons; deleting and
// creating every link again took 39 s at 100k customers, docs/benchmarks.md).
// slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH
// mode: autocommit — one batch of persons per transaction
// rerun: safe — it compares each person's links with the ones it should have, then writes
// $params: none
// returns: nothing
MATCH (pa:Person)
CALL (pa) {
  OPTIONAL MATCH (pa)<-[:RESOLVES_TO]-(:Customer)-[r:{{rel}}]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
  WHERE pa <> pb
  WITH pa, pb, count(r) AS n, sum(coalesce(r.weight, 1.0)) AS weight, min(r.since) AS since
  WITH pa, collect(CASE WHEN pb IS NOT NULL
                   THEN {pb: pb, count: n, weight: weight, since: since} END) AS want
  OPTIONAL MATCH (pa)-[e:{{rel}}]->(:Person)
  WITH pa, want, collect(e) AS have
  WITH pa, want, have, [w IN want | w.pb] AS targets
  FOREACH (e IN [e IN have WHERE NOT endNode(e) IN targets] | DELETE e)
  WITH pa, want, [e IN have WHERE endNode(e) IN targets] AS kept
  UNWIND want AS w
  WITH pa, w, [e IN kept WHERE endNode(e) = w.pb] AS found
  FOREACH (e IN found[1..] | DELETE e)
  WITH pa, w, found[..1] AS found
  FOREACH (e IN [e IN found WHERE e.count <> w.count OR e.weight <> w.weight
                 OR NOT coalesce(e.since = w.since, e.since IS NULL AND w.since IS NULL)] |
    SET e.count = w.count, e.weight = w.weight, e.since = w.since)
  WITH pa, w WHERE size(found) = 0
  WITH pa, w, w.pb AS pb
  CREATE (pa)-[:{{rel}} {count: w.count, weight: w.weight, since: w.since}]->(pb)
} IN TRANSACTIONS OF 5000 ROWS
