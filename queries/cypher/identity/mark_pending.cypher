// Mark records as pending identity resolution (an incremental run marks what it will
// re-resolve before it writes, so a run killed half-way leaves them for the next one).
// $params: $uids (a list)
// returns: nothing
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
SET c.identityPending = true
