// Insert or update persons; createdAt is set once, when the person first appears.
// $params: $rows — each {personId, size, run, at}
// returns: nothing
UNWIND $rows AS row
MERGE (p:Person {personId: row.personId})
ON CREATE SET p.createdAt = row.at
SET p.size = row.size, p.run = row.run
