-- Derive the person-level referral and social links of some persons again from the
-- record-level ones (after an erasure, a split or an incremental identity run), flagging
-- self-referrals anew. Walks from the persons' records, so the work grows with their links,
-- not with the whole graph.
-- $params: $personIds (a list)
-- returns: nothing
CREATE TEMP TABLE IF NOT EXISTS touched_person (personId TEXT PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS touched_record (uid TEXT PRIMARY KEY);
DELETE FROM touched_person;
DELETE FROM touched_record;
INSERT OR IGNORE INTO touched_person (personId) SELECT value FROM json_each(:personIds);
INSERT OR IGNORE INTO touched_record (uid)
SELECT r.src FROM touched_person t JOIN resolves_to r ON r.dst = t.personId;
DELETE FROM person_referred WHERE src IN (SELECT personId FROM touched_person);
DELETE FROM person_referred WHERE dst IN (SELECT personId FROM touched_person);
DELETE FROM person_follows WHERE src IN (SELECT personId FROM touched_person);
DELETE FROM person_follows WHERE dst IN (SELECT personId FROM touched_person);
DELETE FROM person_friends_with WHERE src IN (SELECT personId FROM touched_person);
DELETE FROM person_friends_with WHERE dst IN (SELECT personId FROM touched_person);
DELETE FROM person_interacts_with WHERE src IN (SELECT personId FROM touched_person);
DELETE FROM person_interacts_with WHERE dst IN (SELECT personId FROM touched_person);
UPDATE referred SET selfReferral = coalesce((
  SELECT a.dst = b.dst FROM resolves_to a, resolves_to b
  WHERE a.src = referred.src AND b.src = referred.dst), 0)
WHERE src IN (SELECT uid FROM touched_record) OR dst IN (SELECT uid FROM touched_record);
INSERT INTO person_referred (src, dst, count, at)
SELECT pa.dst, pb.dst, count(*), min(r.at)
FROM (SELECT x.* FROM touched_record t JOIN referred x ON x.src = t.uid
      UNION SELECT x.* FROM touched_record t JOIN referred x ON x.dst = t.uid) r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst
GROUP BY pa.dst, pb.dst;
INSERT INTO person_follows (src, dst, count, weight, since)
SELECT pa.dst, pb.dst, count(*), sum(coalesce(r.weight, 1.0)), min(r.since)
FROM (SELECT x.* FROM touched_record t JOIN follows x ON x.src = t.uid
      UNION SELECT x.* FROM touched_record t JOIN follows x ON x.dst = t.uid) r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst
GROUP BY pa.dst, pb.dst;
INSERT INTO person_friends_with (src, dst, count, weight, since)
SELECT pa.dst, pb.dst, count(*), sum(coalesce(r.weight, 1.0)), min(r.since)
FROM (SELECT x.* FROM touched_record t JOIN friends_with x ON x.src = t.uid
      UNION SELECT x.* FROM touched_record t JOIN friends_with x ON x.dst = t.uid) r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst
GROUP BY pa.dst, pb.dst;
INSERT INTO person_interacts_with (src, dst, count, weight, since)
SELECT pa.dst, pb.dst, count(*), sum(coalesce(r.weight, 1.0)), min(r.since)
FROM (SELECT x.* FROM touched_record t JOIN interacts_with x ON x.src = t.uid
      UNION SELECT x.* FROM touched_record t JOIN interacts_with x ON x.dst = t.uid) r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst
GROUP BY pa.dst, pb.dst;
DELETE FROM touched_person;
DELETE FROM touched_record
