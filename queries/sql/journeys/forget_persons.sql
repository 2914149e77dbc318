-- Remove the stored behaviour of persons a record of which was erased (it was derived from
-- that record's touchpoints); the next journeys run computes it again from what is left.
-- $params: $personIds — a list
-- returns: nothing
DELETE FROM person_behaviour WHERE personId IN (SELECT value FROM json_each(:personIds))
