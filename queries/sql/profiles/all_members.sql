-- The records of every person with the attributes a profile chooses demographics from (the
-- profile job's read; profiles/members reads those of some persons).
-- $params: none
-- returns: personId, uid, source, signupAt, consentMarketing, firstName, lastName, fullName,
--          email, phone, birthDate, gender, city, postcode, region, country, occupation,
--          incomeBand
-- Plan: the records in file order, each with its person (CROSS JOIN fixes the order; a
-- third faster at a million records than visiting the records person by person).
SELECT r.dst AS personId, c.uid AS uid, c.source AS source, c.signupAt AS signupAt,
       c.consentMarketing AS consentMarketing, c.firstName AS firstName, c.lastName AS lastName,
       c.fullName AS fullName, c.email AS email, c.phone AS phone, c.birthDate AS birthDate,
       c.gender AS gender, c.city AS city, c.postcode AS postcode, c.region AS region,
       c.country AS country, c.occupation AS occupation, c.incomeBand AS incomeBand
FROM customer c CROSS JOIN resolves_to r ON r.src = c.uid
ORDER BY personId, uid
