// Every community id issued so far (new communities get ids above them).
// $params: none
// returns: communityId
MATCH (c:Community) RETURN c.communityId AS communityId
