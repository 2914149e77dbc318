-- Every community id issued so far (new communities get ids above them).
-- $params: none
-- returns: communityId
SELECT communityId FROM community
