-- Persons and their communities, for export.
-- $params: none
-- returns: person_id, community_id, participation
SELECT src AS person_id, dst AS community_id, participation FROM in_community ORDER BY person_id
