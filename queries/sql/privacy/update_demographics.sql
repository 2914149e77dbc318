-- Replace persons' chosen demographics and consent (after an erasure removed a source).
-- $params: $rows — each {personId, demographics (JSON text), consentMarketing}
-- returns: nothing
UPDATE person_profile SET demographics = :demographics, consentMarketing = :consentMarketing
WHERE personId = :personId
