// Which of these record uids exist (to reject references to unknown records).
// $params: $uids (list of text)
// returns: uid, one row per existing record
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
RETURN c.uid AS uid
