-- How many identity-state entries start with $prefix and how many characters their values
-- hold, counted in the store (the big-write tests' rows: too large to bring over).
-- $params: $prefix
-- returns: n, chars
SELECT count(*) AS n, coalesce(sum(length(value)), 0) AS chars FROM identity_state
WHERE substr(name, 1, length(:prefix)) = :prefix
