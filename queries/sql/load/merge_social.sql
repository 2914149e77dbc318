-- Insert or update social links of one kind between records.
-- slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH (the table of that name)
-- $params: $rows — each {src, dst, weight, since, platform}; src and dst are record uids
-- returns: nothing
INSERT INTO {{rel}} (src, dst, weight, since, platform)
VALUES (:src, :dst, :weight, :since, :platform)
ON CONFLICT (src, dst) DO UPDATE SET
  weight = excluded.weight, since = excluded.since, platform = excluded.platform
