// Insert normalised identifiers (one row per distinct key of a batch); each also carries its
// kind's label (Email, Phone, Device, LoyaltyId, NationalId, Address).
// $params: $rows — each {key, kind, value}; kind is one of email, phone, device, loyalty,
//          national, address
// returns: nothing
UNWIND $rows AS row
MERGE (i:Identifier {key: row.key})
ON CREATE SET i.kind = row.kind, i.value = row.value
FOREACH (_ IN CASE WHEN row.kind = 'email' THEN [1] ELSE [] END | SET i:Email)
FOREACH (_ IN CASE WHEN row.kind = 'phone' THEN [1] ELSE [] END | SET i:Phone)
FOREACH (_ IN CASE WHEN row.kind = 'device' THEN [1] ELSE [] END | SET i:Device)
FOREACH (_ IN CASE WHEN row.kind = 'loyalty' THEN [1] ELSE [] END | SET i:LoyaltyId)
FOREACH (_ IN CASE WHEN row.kind = 'national' THEN [1] ELSE [] END | SET i:NationalId)
FOREACH (_ IN CASE WHEN row.kind = 'address' THEN [1] ELSE [] END | SET i:Address)
