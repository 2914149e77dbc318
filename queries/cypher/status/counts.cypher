// Count the nodes of every label and the relationships of every type in the model.
// $params: none
// returns: kind ('label' | 'relationship'), name, count — one row per model name, model order;
// person-level relationships are named 'Person REFERRED' and so on.
// Each branch is answered from Neo4j's count store, so this is fast on any size.
MATCH (n:Customer) WITH count(n) AS c RETURN 'label' AS kind, 'Customer' AS name, c AS count
UNION ALL
MATCH (n:Person) WITH count(n) AS c RETURN 'label' AS kind, 'Person' AS name, c AS count
UNION ALL
MATCH (n:Identifier) WITH count(n) AS c RETURN 'label' AS kind, 'Identifier' AS name, c AS count
UNION ALL
MATCH (n:Email) WITH count(n) AS c RETURN 'label' AS kind, 'Email' AS name, c AS count
UNION ALL
MATCH (n:Phone) WITH count(n) AS c RETURN 'label' AS kind, 'Phone' AS name, c AS count
UNION ALL
MATCH (n:Device) WITH count(n) AS c RETURN 'label' AS kind, 'Device' AS name, c AS count
UNION ALL
MATCH (n:LoyaltyId) WITH count(n) AS c RETURN 'label' AS kind, 'LoyaltyId' AS name, c AS count
UNION ALL
MATCH (n:NationalId) WITH count(n) AS c RETURN 'label' AS kind, 'NationalId' AS name, c AS count
UNION ALL
MATCH (n:Address) WITH count(n) AS c RETURN 'label' AS kind, 'Address' AS name, c AS count
UNION ALL
MATCH (n:Channel) WITH count(n) AS c RETURN 'label' AS kind, 'Channel' AS name, c AS count
UNION ALL
MATCH (n:Product) WITH count(n) AS c RETURN 'label' AS kind, 'Product' AS name, c AS count
UNION ALL
MATCH (n:Order) WITH count(n) AS c RETURN 'label' AS kind, 'Order' AS name, c AS count
UNION ALL
MATCH (n:Community) WITH count(n) AS c RETURN 'label' AS kind, 'Community' AS name, c AS count
UNION ALL
MATCH (n:Tag) WITH count(n) AS c RETURN 'label' AS kind, 'Tag' AS name, c AS count
UNION ALL
MATCH (n:Segment) WITH count(n) AS c RETURN 'label' AS kind, 'Segment' AS name, c AS count
UNION ALL
MATCH ()-[r:HAS_IDENTIFIER]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'HAS_IDENTIFIER' AS name, c AS count
UNION ALL
MATCH ()-[r:RESOLVES_TO]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'RESOLVES_TO' AS name, c AS count
UNION ALL
MATCH (:Customer)-[r:MATCHES]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'MATCHES' AS name, c AS count
UNION ALL
MATCH ()-[r:TOUCHED]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'TOUCHED' AS name, c AS count
UNION ALL
MATCH ()-[r:PLACED]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'PLACED' AS name, c AS count
UNION ALL
MATCH ()-[r:CONTAINS]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'CONTAINS' AS name, c AS count
UNION ALL
MATCH ()-[r:VIA]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'VIA' AS name, c AS count
UNION ALL
MATCH (:Customer)-[r:REFERRED]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'REFERRED' AS name, c AS count
UNION ALL
MATCH (:Customer)-[r:FOLLOWS]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'FOLLOWS' AS name, c AS count
UNION ALL
MATCH (:Customer)-[r:FRIENDS_WITH]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'FRIENDS_WITH' AS name, c AS count
UNION ALL
MATCH (:Customer)-[r:INTERACTS_WITH]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'INTERACTS_WITH' AS name, c AS count
UNION ALL
MATCH ()-[r:IN_COMMUNITY]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'IN_COMMUNITY' AS name, c AS count
UNION ALL
MATCH ()-[r:HAS_TAG]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'HAS_TAG' AS name, c AS count
UNION ALL
MATCH ()-[r:IN_SEGMENT]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'IN_SEGMENT' AS name, c AS count
UNION ALL
MATCH (:Person)-[r:REFERRED]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'Person REFERRED' AS name, c AS count
UNION ALL
MATCH (:Person)-[r:FOLLOWS]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'Person FOLLOWS' AS name, c AS count
UNION ALL
MATCH (:Person)-[r:FRIENDS_WITH]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'Person FRIENDS_WITH' AS name, c AS count
UNION ALL
MATCH (:Person)-[r:INTERACTS_WITH]->() WITH count(r) AS c RETURN 'relationship' AS kind, 'Person INTERACTS_WITH' AS name, c AS count
