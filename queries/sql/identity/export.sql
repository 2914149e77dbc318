-- Every record with its person, for export.
-- $params: none
-- returns: source, source_customer_id, person_id, confidence
SELECT c.source AS source, c.sourceCustomerId AS source_customer_id, r.dst AS person_id,
       r.confidence AS confidence
FROM customer c JOIN resolves_to r ON r.src = c.uid
ORDER BY source, source_customer_id
