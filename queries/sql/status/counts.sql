-- Count the rows behind every label and relationship type in the model.
-- $params: none
-- returns: kind ('label' | 'relationship'), name, count — one row per model name, model order;
-- person-level relationships are named 'Person REFERRED' and so on.
SELECT kind, name, count FROM (
  SELECT 0 AS pos, 'label' AS kind, 'Customer' AS name, count(*) AS count FROM customer
  UNION ALL SELECT 1 AS pos, 'label' AS kind, 'Person' AS name, count(*) AS count FROM person
  UNION ALL SELECT 2 AS pos, 'label' AS kind, 'Identifier' AS name, count(*) AS count FROM identifier
  UNION ALL SELECT 3, 'label', 'Email', count(*) FROM identifier WHERE kind = 'email'
  UNION ALL SELECT 4, 'label', 'Phone', count(*) FROM identifier WHERE kind = 'phone'
  UNION ALL SELECT 5, 'label', 'Device', count(*) FROM identifier WHERE kind = 'device'
  UNION ALL SELECT 6, 'label', 'LoyaltyId', count(*) FROM identifier WHERE kind = 'loyalty'
  UNION ALL SELECT 7, 'label', 'NationalId', count(*) FROM identifier WHERE kind = 'national'
  UNION ALL SELECT 8, 'label', 'Address', count(*) FROM identifier WHERE kind = 'address'
  UNION ALL SELECT 9 AS pos, 'label' AS kind, 'Channel' AS name, count(*) AS count FROM channel
  UNION ALL SELECT 10 AS pos, 'label' AS kind, 'Product' AS name, count(*) AS count FROM product
  UNION ALL SELECT 11 AS pos, 'label' AS kind, 'Order' AS name, count(*) AS count FROM purchase_order
  UNION ALL SELECT 12 AS pos, 'label' AS kind, 'Community' AS name, count(*) AS count FROM community
  UNION ALL SELECT 13 AS pos, 'label' AS kind, 'Tag' AS name, count(*) AS count FROM tag
  UNION ALL SELECT 14 AS pos, 'label' AS kind, 'Segment' AS name, count(*) AS count FROM segment
  UNION ALL SELECT 100, 'relationship', 'HAS_IDENTIFIER', count(*) FROM has_identifier
  UNION ALL SELECT 101, 'relationship', 'RESOLVES_TO', count(*) FROM resolves_to
  UNION ALL SELECT 102, 'relationship', 'MATCHES', count(*) FROM matches
  UNION ALL SELECT 103, 'relationship', 'TOUCHED', count(*) FROM touched
  UNION ALL SELECT 104, 'relationship', 'PLACED', count(*) FROM placed
  UNION ALL SELECT 105, 'relationship', 'CONTAINS', count(*) FROM contains
  UNION ALL SELECT 106, 'relationship', 'VIA', count(*) FROM via
  UNION ALL SELECT 107, 'relationship', 'REFERRED', count(*) FROM referred
  UNION ALL SELECT 108, 'relationship', 'FOLLOWS', count(*) FROM follows
  UNION ALL SELECT 109, 'relationship', 'FRIENDS_WITH', count(*) FROM friends_with
  UNION ALL SELECT 110, 'relationship', 'INTERACTS_WITH', count(*) FROM interacts_with
  UNION ALL SELECT 111, 'relationship', 'IN_COMMUNITY', count(*) FROM in_community
  UNION ALL SELECT 112, 'relationship', 'HAS_TAG', count(*) FROM has_tag
  UNION ALL SELECT 113, 'relationship', 'IN_SEGMENT', count(*) FROM in_segment
  UNION ALL SELECT 200, 'relationship', 'Person REFERRED', count(*) FROM person_referred
  UNION ALL SELECT 201, 'relationship', 'Person FOLLOWS', count(*) FROM person_follows
  UNION ALL SELECT 202, 'relationship', 'Person FRIENDS_WITH', count(*) FROM person_friends_with
  UNION ALL SELECT 203, 'relationship', 'Person INTERACTS_WITH', count(*) FROM person_interacts_with
) ORDER BY pos
