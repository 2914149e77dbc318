-- Derive the person-level referral and social links of some persons again from the
-- record-level ones (after an erasure or a split), flagging self-referrals anew.
-- $params: $personIds (a list)
-- returns: nothing
DELETE FROM person_referred WHERE src IN (SELECT value FROM json_each(:personIds)) OR dst IN (SELECT value FROM json_each(:personIds));
DELETE FROM person_follows WHERE src IN (SELECT value FROM json_each(:personIds)) OR dst IN (SELECT value FROM json_each(:personIds));
DELETE FROM person_friends_with WHERE src IN (SELECT value FROM json_each(:personIds)) OR dst IN (SELECT value FROM json_each(:personIds));
DELETE FROM person_interacts_with WHERE src IN (SELECT value FROM json_each(:personIds)) OR dst IN (SELECT value FROM json_each(:personIds));
UPDATE referred SET selfReferral = coalesce((
  SELECT a.dst = b.dst FROM resolves_to a, resolves_to b
  WHERE a.src = referred.src AND b.src = referred.dst), 0)
WHERE src IN (SELECT src FROM resolves_to WHERE dst IN (SELECT value FROM json_each(:personIds)))
   OR dst IN (SELECT src FROM resolves_to WHERE dst IN (SELECT value FROM json_each(:personIds)));
INSERT INTO person_referred (src, dst, count, at)
SELECT pa.dst, pb.dst, count(*), min(r.at)
FROM referred r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst AND (pa.dst IN (SELECT value FROM json_each(:personIds)) OR pb.dst IN (SELECT value FROM json_each(:personIds)))
GROUP BY pa.dst, pb.dst;
INSERT INTO person_follows (src, dst, count, weight, since)
SELECT pa.dst, pb.dst, count(*), sum(coalesce(r.weight, 1.0)), min(r.since)
FROM follows r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst AND (pa.dst IN (SELECT value FROM json_each(:personIds)) OR pb.dst IN (SELECT value FROM json_each(:personIds)))
GROUP BY pa.dst, pb.dst;
INSERT INTO person_friends_with (src, dst, count, weight, since)
SELECT pa.dst, pb.dst, count(*), sum(coalesce(r.weight, 1.0)), min(r.since)
FROM friends_with r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst AND (pa.dst IN (SELECT value FROM json_each(:personIds)) OR pb.dst IN (SELECT value FROM json_each(:personIds)))
GROUP BY pa.dst, pb.dst;
INSERT INTO person_interacts_with (src, dst, count, weight, since)
SELECT pa.dst, pb.dst, count(*), sum(coalesce(r.weight, 1.0)), min(r.since)
FROM interacts_with r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst AND (pa.dst IN (SELECT value FROM json_each(:personIds)) OR pb.dst IN (SELECT value FROM json_each(:personIds)))
GROUP BY pa.dst, pb.dst
