// Person-level social links of one kind from record-level ones: one relationship per pair
// of persons with the links' count, total weight and earliest time; links within a person
// are left out.
// slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH
// mode: autocommit — one batch of persons per transaction
// $params: none
// returns: nothing
MATCH (pa:Person)
CALL (pa) {
  MATCH (pa)<-[:RESOLVES_TO]-(:Customer)-[r:{{rel}}]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
  WHERE pa <> pb
  WITH pa, pb, count(r) AS n, sum(coalesce(r.weight, 1.0)) AS weight, min(r.since) AS since
  CREATE (pa)-[:{{rel}} {count: n, weight: weight, since: since}]->(pb)
} IN TRANSACTIONS OF 5000 ROWS
