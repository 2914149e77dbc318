// The records of every person with the attributes a profile chooses demographics from (the
// profile job's read; profiles/members reads those of some persons).
// $params: none
// returns: personId, uid, source, signupAt, consentMarketing, firstName, lastName, fullName,
//          email, phone, birthDate, gender, city, postcode, region, country, occupation,
//          incomeBand
MATCH (c:Customer)-[:RESOLVES_TO]->(p:Person)
RETURN p.personId AS personId, c.uid AS uid, c.source AS source, c.signupAt AS signupAt,
       c.consentMarketing AS consentMarketing, c.firstName AS firstName,
       c.lastName AS lastName, c.fullName AS fullName, c.email AS email, c.phone AS phone,
       c.birthDate AS birthDate, c.gender AS gender, c.city AS city, c.postcode AS postcode,
       c.region AS region, c.country AS country, c.occupation AS occupation,
       c.incomeBand AS incomeBand
ORDER BY personId, uid
