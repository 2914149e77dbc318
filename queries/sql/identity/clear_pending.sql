-- Forget that records changed once an identity run has resolved them.
-- $params: $uids (a list, or null for every record)
-- returns: nothing
DELETE FROM identity_pending
WHERE :uids IS NULL OR uid IN (SELECT value FROM json_each(:uids))
