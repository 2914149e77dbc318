-- Remove every community and membership before a run writes the current ones.
-- $params: none
-- returns: nothing
DELETE FROM in_community;
DELETE FROM community
