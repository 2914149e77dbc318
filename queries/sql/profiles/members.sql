-- The records of every person (or of some) with the attributes a profile chooses
-- demographics from.
-- $params: $personIds (a list, or null for every person)
-- returns: personId, uid, source, signupAt, consentMarketing, firstName, lastName, fullName,
--          email, phone, birthDate, gender, city, postcode, region, country, occupation,
--          incomeBand
SELECT r.dst AS personId, c.uid AS uid, c.source AS source, c.signupAt AS signupAt,
       c.consentMarketing AS consentMarketing, c.firstName AS firstName, c.lastName AS lastName, c.fullName AS fullName,
       c.email AS email, c.phone AS phone, c.birthDate AS birthDate, c.gender AS gender,
       c.city AS city, c.postcode AS postcode, c.region AS region, c.country AS country,
       c.occupation AS occupation, c.incomeBand AS incomeBand
FROM customer c JOIN resolves_to r ON r.src = c.uid
WHERE :personIds IS NULL OR r.dst IN (SELECT value FROM json_each(:personIds))
ORDER BY personId, uid
