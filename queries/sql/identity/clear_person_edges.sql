-- Remove the person-level referral and social relationships before they are derived again.
-- $params: none
-- returns: nothing
DELETE FROM person_referred;
DELETE FROM person_follows;
DELETE FROM person_friends_with;
DELETE FROM person_interacts_with
