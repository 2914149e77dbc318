-- Remove one record and every relationship it has (its orders stay, unlinked).
-- $params: $uid
-- returns: nothing
DELETE FROM has_identifier WHERE src = :uid;
DELETE FROM resolves_to WHERE src = :uid;
DELETE FROM matches WHERE src = :uid OR dst = :uid;
DELETE FROM touched WHERE src = :uid;
DELETE FROM touch_event WHERE src = :uid;
DELETE FROM placed WHERE src = :uid;
DELETE FROM referred WHERE src = :uid OR dst = :uid;
DELETE FROM follows WHERE src = :uid OR dst = :uid;
DELETE FROM friends_with WHERE src = :uid OR dst = :uid;
DELETE FROM interacts_with WHERE src = :uid OR dst = :uid;
DELETE FROM customer WHERE uid = :uid
