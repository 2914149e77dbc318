-- Set the channel each order came through (one VIA per order).
-- $params: $rows — each {orderId, channelId}
-- returns: nothing
INSERT INTO via (src, dst) VALUES (:orderId, :channelId)
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst
