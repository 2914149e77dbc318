-- The person a record resolves to.
-- $params: $uid (source:id)
-- returns: personId (no row when the record is unknown or not resolved yet)
SELECT dst AS personId FROM resolves_to WHERE src = :uid
