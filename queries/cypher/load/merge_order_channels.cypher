// Set the channel each order came through (one VIA per order).
// $params: $rows — each {orderId, channelId}
// returns: nothing
UNWIND $rows AS row
MATCH (o:Order {orderId: row.orderId})
MATCH (ch:Channel {channelId: row.channelId})
OPTIONAL MATCH (o)-[old:VIA]->(other:Channel) WHERE other <> ch
DELETE old
MERGE (o)-[:VIA]->(ch)
