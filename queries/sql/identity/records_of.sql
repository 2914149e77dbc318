-- The fields identity resolution compares, for some records (an incremental run).
-- $params: $uids (a list)
-- returns: uid, firstName, lastName, fullName, email, phone, birthDate, street, city,
--          postcode, country, nationalId, loyaltyId, deviceId
SELECT uid, firstName, lastName, fullName, email, phone, birthDate, street, city, postcode,
       country, nationalId, loyaltyId, deviceId
FROM customer
WHERE uid IN (SELECT value FROM json_each(:uids))
ORDER BY uid
