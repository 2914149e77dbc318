// Insert or update customer records (one Customer per source record); a record's attributes
// become what the latest file says (absent values are cleared).
// $params: $rows — each row has every Customer property (uid, source, sourceId, firstName, …)
// returns: nothing
UNWIND $rows AS row
MERGE (c:Customer {uid: row.uid})
SET c += row,
    c.birthDate = date(row.birthDate),
    c.signupAt = datetime(row.signupAt)
