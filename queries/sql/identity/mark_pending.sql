-- Mark records as pending identity resolution (an incremental run marks what it will
-- re-resolve before it writes, so a run killed half-way leaves them for the next one).
-- $params: $uids (a list)
-- returns: nothing
INSERT OR IGNORE INTO identity_pending (uid)
SELECT value FROM json_each(:uids) ids
WHERE EXISTS (SELECT 1 FROM customer WHERE uid = ids.value)
