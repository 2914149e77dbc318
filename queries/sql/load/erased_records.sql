-- Which of these record uids were erased (a later load of them is suppressed and reported).
-- $params: $keys (record uids, a list of text)
-- returns: uid, one row per erased record
SELECT uid FROM tombstone WHERE uid IN (SELECT value FROM json_each(:keys))
