-- Insert or update customer records (one Customer per source record); a record's attributes
-- become what the latest file says (absent values are cleared). A change to a compared
-- field, or a new record, marks it for the next incremental identity run (triggers in
-- schema/create).
-- $params: $rows — each row has every Customer property (uid, source, sourceCustomerId, firstName, …)
-- returns: nothing
INSERT INTO customer (uid, source, sourceCustomerId, firstName, lastName, fullName, email, phone, birthDate, gender, street, city, postcode, region, country, nationalId, loyaltyId, deviceId, occupation, incomeBand, signupAt, consentMarketing, interests)
VALUES (:uid, :source, :sourceCustomerId, :firstName, :lastName, :fullName, :email, :phone, :birthDate, :gender, :street, :city, :postcode, :region, :country, :nationalId, :loyaltyId, :deviceId, :occupation, :incomeBand, :signupAt, :consentMarketing, :interests)
ON CONFLICT (uid) DO UPDATE SET
  source = excluded.source,
  sourceCustomerId = excluded.sourceCustomerId,
  firstName = excluded.firstName,
  lastName = excluded.lastName,
  fullName = excluded.fullName,
  email = excluded.email,
  phone = excluded.phone,
  birthDate = excluded.birthDate,
  gender = excluded.gender,
  street = excluded.street,
  city = excluded.city,
  postcode = excluded.postcode,
  region = excluded.region,
  country = excluded.country,
  nationalId = excluded.nationalId,
  loyaltyId = excluded.loyaltyId,
  deviceId = excluded.deviceId,
  occupation = excluded.occupation,
  incomeBand = excluded.incomeBand,
  signupAt = excluded.signupAt,
  consentMarketing = excluded.consentMarketing,
  interests = excluded.interests
