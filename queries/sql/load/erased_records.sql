-- Which of these records were erased (a later load of them is suppressed and reported);
-- case is ignored, so a case variant of an erased record's uid is refused too.
-- $params: $keys (record uids through graph.model.tombstone_key, a list of text)
-- returns: uid (its tombstone key), one row per erased record
SELECT DISTINCT tombstone_key(uid) AS uid FROM tombstone
WHERE tombstone_key(uid) IN (SELECT value FROM json_each(:keys))
