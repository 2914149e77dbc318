// Each ranked person's influence rank and score (what a profile takes from the influence
// job), in no particular order.
// $params: none
// returns: person_id, rank, score
MATCH (p:Person) WHERE p.influenceRank IS NOT NULL
RETURN p.personId AS person_id, p.influenceRank AS rank, p.influenceScore AS score
