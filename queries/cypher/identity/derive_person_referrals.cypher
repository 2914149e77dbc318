// Person-level referrals from record-level ones: one relationship per pair of persons, with
// how many record referrals it stands for and the first one's time; self-referrals left out.
// mode: autocommit — one batch of persons per transaction
// $params: none
// returns: nothing
MATCH (pa:Person)
CALL (pa) {
  MATCH (pa)<-[:RESOLVES_TO]-(:Customer)-[r:REFERRED]->(:Customer)-[:RESOLVES_TO]->(pb:Person)
  WHERE pa <> pb
  WITH pa, pb, count(r) AS n, min(r.at) AS at
  CREATE (pa)-[:REFERRED {count: n, at: at}]->(pb)
} IN TRANSACTIONS OF 5000 ROWS
