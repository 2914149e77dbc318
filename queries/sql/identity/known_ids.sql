-- Every person id ever issued (live or retired), so a new person never reuses one.
-- $params: none
-- returns: personId
SELECT personId FROM person
UNION SELECT personId FROM identity_event
UNION SELECT otherId FROM identity_event WHERE otherId IS NOT NULL
