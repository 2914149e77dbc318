-- Delete the identity-state entries whose name starts with $prefix (the big-write tests'
-- rows).
-- $params: $prefix
-- returns: nothing
DELETE FROM identity_state WHERE substr(name, 1, length(:prefix)) = :prefix
