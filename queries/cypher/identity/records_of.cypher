// The fields identity resolution compares, for some records (an incremental run).
// $params: $uids (a list)
// returns: uid, firstName, lastName, fullName, email, phone, birthDate, street, city,
//          postcode, country, nationalId, loyaltyId, deviceId
UNWIND $uids AS uid
MATCH (c:Customer {uid: uid})
RETURN c.uid AS uid, c.firstName AS firstName, c.lastName AS lastName, c.fullName AS fullName,
       c.email AS email, c.phone AS phone, toString(c.birthDate) AS birthDate, c.street AS street,
       c.city AS city, c.postcode AS postcode, c.country AS country, c.nationalId AS nationalId,
       c.loyaltyId AS loyaltyId, c.deviceId AS deviceId
ORDER BY uid
