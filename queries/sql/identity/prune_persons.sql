-- Delete persons no record resolves to any more (merged or emptied; lineage keeps them).
-- $params: none
-- returns: nothing
DELETE FROM in_community WHERE src NOT IN (SELECT dst FROM resolves_to);
DELETE FROM has_tag WHERE src NOT IN (SELECT dst FROM resolves_to);
DELETE FROM in_segment WHERE src NOT IN (SELECT dst FROM resolves_to);
DELETE FROM person_influence WHERE personId NOT IN (SELECT dst FROM resolves_to);
DELETE FROM person WHERE personId NOT IN (SELECT dst FROM resolves_to)
