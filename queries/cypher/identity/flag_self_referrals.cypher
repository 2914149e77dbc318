// Flag referrals whose two records resolve to one person (kept out of influence).
// mode: autocommit — in batches of their own transactions
// rerun: safe — it sets each flag from the records' persons, whatever it was
// $params: none
// returns: nothing
MATCH (a:Customer)-[r:REFERRED]->(b:Customer)
CALL (a, r, b) {
  OPTIONAL MATCH (a)-[:RESOLVES_TO]->(pa:Person)
  OPTIONAL MATCH (b)-[:RESOLVES_TO]->(pb:Person)
  SET r.selfReferral = (pa IS NOT NULL AND pa = pb)
} IN TRANSACTIONS OF 10000 ROWS
