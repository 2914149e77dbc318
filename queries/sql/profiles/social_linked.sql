-- Whether any two persons are linked socially (FOLLOWS, FRIENDS_WITH, INTERACTS_WITH): the
-- profile job leaves graph features out, and says so, when nobody is linked at all.
-- $params: none
-- returns: linked (true or false)
SELECT EXISTS (SELECT 1 FROM person_follows) OR EXISTS (SELECT 1 FROM person_friends_with)
       OR EXISTS (SELECT 1 FROM person_interacts_with) AS linked
