// Remove one record and every relationship it has (its orders stay, unlinked).
// $params: $uid
// returns: nothing
MATCH (c:Customer {uid: $uid})
DETACH DELETE c
