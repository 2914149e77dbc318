// Insert or update customer records (one Customer per source record); a record's attributes
// become what the latest file says (absent values are cleared). A record that was resolved
// before and whose compared fields change is marked identityPending, so the next
// incremental identity run re-resolves it.
// $params: $rows — each row has every Customer property (uid, source, sourceCustomerId, firstName, …)
// returns: nothing
UNWIND $rows AS row
MERGE (c:Customer {uid: row.uid})
WITH c, row, [c.firstName, c.lastName, c.fullName, c.email, c.phone, toString(c.birthDate),
              c.street, c.city, c.postcode, c.country, c.nationalId, c.loyaltyId,
              c.deviceId] AS before
SET c += row,
    c.birthDate = date(row.birthDate),
    c.signupAt = datetime(row.signupAt)
WITH c, [x IN before | coalesce(x, '')] AS before
WHERE before <> [x IN [c.firstName, c.lastName, c.fullName, c.email, c.phone,
                       toString(c.birthDate), c.street, c.city, c.postcode, c.country,
                       c.nationalId, c.loyaltyId, c.deviceId] | coalesce(x, '')]
  AND EXISTS { (c)-[:RESOLVES_TO]->() }
SET c.identityPending = true
