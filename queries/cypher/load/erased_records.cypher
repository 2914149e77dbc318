// Which of these records were erased (a later load of them is suppressed and reported);
// case is ignored, so a case variant of an erased record's uid is refused too.
// $params: $keys (record uids through graph.model.tombstone_key, a list of text)
// returns: uid (its tombstone key), one row per erased record
MATCH (t:Tombstone)
WHERE toLower(t.uid) IN $keys
RETURN DISTINCT toLower(t.uid) AS uid
