// Forget that records changed once an identity run has resolved them.
// $params: $uids (a list, or null for every record)
// returns: nothing
MATCH (c:Customer)
WHERE c.identityPending IS NOT NULL AND ($uids IS NULL OR c.uid IN $uids)
REMOVE c.identityPending
