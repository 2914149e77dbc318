// Which of these record uids do not exist (references to reject); usually none.
// $params: $keys (record uids, a list of text)
// returns: uid, one row per unknown record
UNWIND $keys AS uid
WITH uid
WHERE NOT EXISTS { MATCH (:Customer {uid: uid}) }
RETURN uid
