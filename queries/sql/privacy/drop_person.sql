-- Remove a person that has no records left (after an erasure), with everything derived from
-- it: profile, behaviour, person-level links, community, segment and tag memberships.
-- $params: $personId
-- returns: nothing
DELETE FROM person_referred WHERE src = :personId OR dst = :personId;
DELETE FROM person_follows WHERE src = :personId OR dst = :personId;
DELETE FROM person_friends_with WHERE src = :personId OR dst = :personId;
DELETE FROM person_interacts_with WHERE src = :personId OR dst = :personId;
DELETE FROM in_community WHERE src = :personId;
DELETE FROM has_tag WHERE src = :personId;
DELETE FROM in_segment WHERE src = :personId;
DELETE FROM person_profile WHERE personId = :personId;
DELETE FROM person_influence WHERE personId = :personId;
DELETE FROM person_behaviour WHERE personId = :personId;
DELETE FROM person WHERE personId = :personId
  AND NOT EXISTS (SELECT 1 FROM resolves_to WHERE dst = :personId)
