-- Remove every person's influence score and rank (a run that found no links to rank by).
-- $params: none
-- returns: nothing
DELETE FROM person_influence
