-- Customer records for neo4j-admin import files, one page in key order (a bulk load writes
-- them from the staging store; loaders/bulk.py).
-- $params: $after — the last uid of the page before ('' for the first); $limit — page size
-- returns: uid, source, sourceCustomerId and every Customer attribute, birthDate as
-- YYYY-MM-DD and signupAt as ISO-8601 text
SELECT uid, source, sourceCustomerId, firstName, lastName, fullName, email, phone, birthDate,
       gender, street, city, postcode, region, country, nationalId, loyaltyId, deviceId,
       occupation, incomeBand, signupAt, consentMarketing, interests
FROM customer WHERE uid > :after ORDER BY uid LIMIT :limit
