// Remove the person-level referral and social relationships before they are derived again.
// mode: autocommit — in batches of their own transactions
// $params: none
// returns: nothing
MATCH (:Person)-[r:REFERRED|FOLLOWS|FRIENDS_WITH|INTERACTS_WITH]->(:Person)
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF 10000 ROWS
