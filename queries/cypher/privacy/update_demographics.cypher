// Replace persons' chosen demographics and consent (after an erasure removed a source).
// $params: $rows — each {personId, demographics (JSON text), consentMarketing}
// returns: nothing
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
WHERE p.profileRun IS NOT NULL
SET p.demographics = row.demographics, p.consentMarketing = row.consentMarketing
