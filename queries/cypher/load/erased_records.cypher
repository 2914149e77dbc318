// Which of these record uids were erased (a later load of them is suppressed and reported).
// $params: $keys (record uids, a list of text)
// returns: uid, one row per erased record
UNWIND $keys AS key
MATCH (t:Tombstone {uid: key})
RETURN t.uid AS uid
