// Store the credits of every attribution model of a journeys run, each linked to its channel.
// $params: $rows — each {model, channelId, conversions, revenue, share, run}
// returns: nothing
UNWIND $rows AS row
MATCH (ch:Channel {channelId: row.channelId})
CREATE (:ChannelCredit {model: row.model, channelId: row.channelId,
                        conversions: row.conversions, revenue: row.revenue, share: row.share,
                        run: row.run})-[:CREDITS]->(ch)
