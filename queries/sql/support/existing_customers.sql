-- Which of these record uids exist (to reject references to unknown records).
-- $params: $uids (list of text)
-- returns: uid, one row per existing record
SELECT uid FROM customer WHERE uid IN (SELECT value FROM json_each(:uids))
