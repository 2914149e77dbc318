-- The person graph as of a time, part 1: person-level referrals made from the record-level
-- referrals up to that time (a referral without a time counts as always there); the same
-- aggregation as identity/derive_person_referrals, in no particular order.
-- $params: $until — ISO time; later referrals are left out
-- returns: src, dst (person ids), weight (how many record referrals), at (the first one's time)
-- mode: typed — one type per column: read straight into Arrow columns
SELECT pa.dst AS src, pb.dst AS dst, CAST(count(*) AS REAL) AS weight, min(r.at) AS at
FROM referred r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst AND (r.at IS NULL OR r.at <= :until)
GROUP BY pa.dst, pb.dst
