-- Person-level referrals derived again from the record-level ones (those of before go
-- first): one relationship per pair of persons, with how many record referrals it stands for
-- and the first one's time; self-referrals left out.
-- $params: none
-- returns: nothing
DELETE FROM person_referred;
INSERT INTO person_referred (src, dst, count, at)
SELECT pa.dst, pb.dst, count(*), min(r.at)
FROM referred r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst
GROUP BY pa.dst, pb.dst
