-- Every resolved record and its person.
-- $params: none
-- returns: uid, personId
SELECT src AS uid, dst AS personId FROM resolves_to
