// Customer records for neo4j-admin import files, one page in key order (a bulk load writes
// them from the staging store; loaders/bulk.py).
// $params: $after — the last uid of the page before ('' for the first); $limit — page size
// returns: uid, source, sourceCustomerId and every Customer attribute, birthDate as
// YYYY-MM-DD and signupAt as ISO-8601 text
MATCH (c:Customer) WHERE c.uid > $after
RETURN c.uid AS uid, c.source AS source, c.sourceCustomerId AS sourceCustomerId,
       c.firstName AS firstName, c.lastName AS lastName, c.fullName AS fullName,
       c.email AS email, c.phone AS phone, c.birthDate AS birthDate, c.gender AS gender,
       c.street AS street, c.city AS city, c.postcode AS postcode, c.region AS region,
       c.country AS country, c.nationalId AS nationalId, c.loyaltyId AS loyaltyId,
       c.deviceId AS deviceId, c.occupation AS occupation, c.incomeBand AS incomeBand,
       c.signupAt AS signupAt, c.consentMarketing AS consentMarketing, c.interests AS interests
ORDER BY uid LIMIT $limit
