-- Remove every MATCHES relationship before a full run writes the current ones.
-- $params: none
-- returns: nothing
DELETE FROM matches
