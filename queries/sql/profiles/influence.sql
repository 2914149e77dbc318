-- Each ranked person's influence rank and score (what a profile takes from the influence
-- job), in no particular order.
-- $params: none
-- returns: person_id, rank, score
SELECT personId AS person_id, rank, score FROM person_influence
