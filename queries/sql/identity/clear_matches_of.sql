-- Remove the MATCHES relationships of some records before an incremental run writes theirs.
-- $params: $uids (a list)
-- returns: nothing
DELETE FROM matches WHERE src IN (SELECT value FROM json_each(:uids));
DELETE FROM matches WHERE dst IN (SELECT value FROM json_each(:uids))
