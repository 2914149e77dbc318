// The time of the latest purchase in the store (the default as-of date of profiles).
// $params: none
// returns: at (null when there are no orders)
MATCH (o:Order)
RETURN max(o.purchasedAt) AS at
