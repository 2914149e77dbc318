// Delete the identity-state entries whose name starts with $prefix, 500 to a transaction
// (the big-write tests' 20 kB rows: the wipe's 10,000 at a time would weigh 200 MB each on
// the server's heap).
// mode: autocommit — in batches of their own transactions
// $params: $prefix
// returns: nothing
MATCH (s:IdentityState)
WHERE s.name STARTS WITH $prefix
CALL (s) {
  DELETE s
} IN TRANSACTIONS OF 500 ROWS
