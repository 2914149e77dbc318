// Remove the MATCHES relationships of some records before an incremental run writes theirs.
// $params: $uids (a list)
// returns: nothing
UNWIND $uids AS uid
MATCH (:Customer {uid: uid})-[m:MATCHES]-(:Customer)
WITH DISTINCT m
DELETE m
