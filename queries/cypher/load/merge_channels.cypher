// Insert or update channels (touchpoints: store, web, app, email, social, …).
// $params: $rows — each {channelId, kind, name}
// returns: nothing
UNWIND $rows AS row
MERGE (ch:Channel {channelId: row.channelId})
SET ch.kind = row.kind, ch.name = row.name
