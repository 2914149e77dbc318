-- How many persons there are.
-- $params: none
-- returns: n
SELECT count(*) AS n FROM person
