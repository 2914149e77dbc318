-- Insert or update channels (touchpoints: store, web, app, email, social, …).
-- $params: $rows — each {channelId, kind, name}
-- returns: nothing
INSERT INTO channel (channelId, kind, name) VALUES (:channelId, :kind, :name)
ON CONFLICT (channelId) DO UPDATE SET kind = excluded.kind, name = excluded.name
