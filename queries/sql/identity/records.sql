-- The fields identity resolution compares, one row per customer record.
-- $params: none
-- returns: uid, firstName, lastName, fullName, email, phone, birthDate, street, city,
--          postcode, country, nationalId, loyaltyId, deviceId
SELECT uid, firstName, lastName, fullName, email, phone, birthDate, street, city, postcode,
       country, nationalId, loyaltyId, deviceId
FROM customer
ORDER BY uid
